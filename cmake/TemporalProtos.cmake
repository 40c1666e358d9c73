# Temporal API codegen.
#
# The .proto sources come from the pinned npm package @temporalio/core-bridge
# (see cmake/fetch-temporal-protos), cached outside the build tree in
# PROVISIO_PROTO_CACHE. They are generated with the system protoc and
# grpc_cpp_plugin into ${CMAKE_BINARY_DIR}/gen and compiled once into the static
# library `temporal_api_protos`. Nothing of it is committed.
#
# The library is compiled with fixed flags (-O2, no debug info, no warnings) so
# that every build type and build directory produces the same compiler command
# lines, which lets ccache serve a fresh build directory from earlier builds.

set(PROVISIO_PROTO_CACHE "$ENV{HOME}/.cache/provisio/protos"
    CACHE PATH "Where the fetched Temporal API protos are kept across build directories")

execute_process(
  COMMAND "${CMAKE_CURRENT_LIST_DIR}/fetch-temporal-protos" "${PROVISIO_PROTO_CACHE}"
  OUTPUT_VARIABLE _temporal_proto_dir
  OUTPUT_STRIP_TRAILING_WHITESPACE
  RESULT_VARIABLE _fetch_result)
if(NOT _fetch_result EQUAL 0)
  message(FATAL_ERROR "Could not fetch the Temporal API protos (see the message above). "
                      "scripts/setup installs npm and openssl, which this step needs.")
endif()
set(TEMPORAL_PROTO_ROOT "${_temporal_proto_dir}/api")
file(STRINGS "${_temporal_proto_dir}/closure.txt" _temporal_protos)
# Re-run configure if the cache is replaced (a new pinned version).
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
             "${_temporal_proto_dir}/closure.txt" "${CMAKE_CURRENT_LIST_DIR}/fetch-temporal-protos")

find_program(PROTOC protoc REQUIRED)
find_program(GRPC_CPP_PLUGIN grpc_cpp_plugin REQUIRED)

set(_gen_dir "${CMAKE_BINARY_DIR}/gen")
set(_proto_inputs "")
set(_generated_sources "")
set(_generated_headers "")
set(_service_protos "")
foreach(_proto IN LISTS _temporal_protos)
  string(REGEX REPLACE "\\.proto$" "" _stem "${_proto}")
  list(APPEND _proto_inputs "${TEMPORAL_PROTO_ROOT}/${_proto}")
  list(APPEND _generated_sources "${_gen_dir}/${_stem}.pb.cc")
  list(APPEND _generated_headers "${_gen_dir}/${_stem}.pb.h")
  if(_proto MATCHES "/service\\.proto$")
    list(APPEND _service_protos "${_proto}")
    list(APPEND _generated_sources "${_gen_dir}/${_stem}.grpc.pb.cc")
    list(APPEND _generated_headers "${_gen_dir}/${_stem}.grpc.pb.h")
  endif()
endforeach()

add_custom_command(
  OUTPUT ${_generated_sources} ${_generated_headers}
  COMMAND "${CMAKE_COMMAND}" -E make_directory "${_gen_dir}"
  COMMAND "${PROTOC}" "-I${TEMPORAL_PROTO_ROOT}" "--cpp_out=${_gen_dir}" ${_temporal_protos}
  COMMAND "${PROTOC}" "-I${TEMPORAL_PROTO_ROOT}" "--grpc_out=${_gen_dir}"
          "--plugin=protoc-gen-grpc=${GRPC_CPP_PLUGIN}" ${_service_protos}
  DEPENDS ${_proto_inputs}
  WORKING_DIRECTORY "${TEMPORAL_PROTO_ROOT}"
  COMMENT "Generating C++ for the Temporal API protos"
  VERBATIM)

add_library(temporal_api_protos STATIC ${_generated_sources} ${_generated_headers})
target_include_directories(temporal_api_protos SYSTEM PUBLIC "${_gen_dir}")
target_link_libraries(temporal_api_protos PUBLIC gRPC::grpc++ protobuf::libprotobuf)
# Appended last, so they win over the build type's -O0/-g.
target_compile_options(temporal_api_protos PRIVATE -O2 -g0 -w)
