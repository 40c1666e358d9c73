# The C++ compiler, chosen before project() and checked after it.
#
# Why not GCC 12 (Debian 12's default): it miscompiles C++20 coroutines in ways
# that workflow code hits at once. A lambda with captures built inside a
# `co_await` expression is destroyed twice (a use-after-free of whatever the
# captures own: `co_await WaitCondition([state] { ... })` corrupted the heap of
# the example's worker after a few workflows), and brace-initialized class
# temporaries inside `co_await` crash the same way. The SDK cannot shape its
# API so that these patterns fail to compile, so the build refuses compilers
# that get coroutine temporaries wrong and picks Debian's clang-19 by default.
# The regression test is sdk/tests/unit/workflow/coroutine_temporaries_test.cc
# (run it under the asan preset).
#
# provisio_choose_compiler(): before project(), when no compiler was given.
macro(provisio_choose_compiler)
  if(NOT DEFINED CMAKE_CXX_COMPILER AND NOT DEFINED ENV{CXX})
    find_program(PROVISIO_CLANGXX NAMES clang++-19 clang++-18 clang++-17 clang++-16)
    if(PROVISIO_CLANGXX)
      set(CMAKE_CXX_COMPILER "${PROVISIO_CLANGXX}" CACHE FILEPATH "C++ compiler")
    endif()
  endif()
endmacro()

# provisio_check_compiler(): after project(): refuse the known-bad compilers.
function(provisio_check_compiler)
  set(_id "${CMAKE_CXX_COMPILER_ID}")
  set(_version "${CMAKE_CXX_COMPILER_VERSION}")
  if(_id STREQUAL "GNU" AND _version VERSION_LESS 14)
    message(FATAL_ERROR
      "GCC ${_version} miscompiles C++20 coroutine temporaries (a lambda built inside "
      "co_await is destroyed twice), which corrupts workflow state. Use clang 16 or "
      "later: scripts/setup installs Debian's clang-19, and CMake picks it when no "
      "compiler is given (remove CMakeCache.txt, or pass -DCMAKE_CXX_COMPILER=clang++-19).")
  endif()
  if(_id MATCHES "Clang" AND _version VERSION_LESS 16)
    message(FATAL_ERROR "clang ${_version} is too old for the SDK's coroutines; use clang 16 or "
                        "later (scripts/setup installs clang-19).")
  endif()
  message(STATUS "C++ compiler: ${_id} ${_version} (${CMAKE_CXX_COMPILER})")
endfunction()
