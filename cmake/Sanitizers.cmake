# PROVISIO_SANITIZE: a comma-separated -fsanitize list (for example
# "address,undefined"), applied to every target including the generated protos,
# since mixing instrumented and uninstrumented code hides bugs in ASan.
set(PROVISIO_SANITIZE "" CACHE STRING "Sanitizers to build with, e.g. address,undefined")
if(PROVISIO_SANITIZE)
  add_compile_options(-fsanitize=${PROVISIO_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${PROVISIO_SANITIZE})
endif()
