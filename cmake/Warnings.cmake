# provisio_set_warnings(TARGET): the warning set for the project's own code.
# Generated and third-party code is compiled without it.
option(PROVISIO_WARNINGS_AS_ERRORS "Treat compiler warnings as errors" OFF)

function(provisio_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                           -Wnon-virtual-dtor -Wold-style-cast
                                           -Wcast-align -Woverloaded-virtual
                                           -Wimplicit-fallthrough)
  if(PROVISIO_WARNINGS_AS_ERRORS)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
