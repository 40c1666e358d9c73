# provisio_label_discovered_tests(TARGET LABEL...): gives every test that
# gtest_discover_tests found in TARGET all of LABEL.
#
# Works around CMake < 3.28: gtest_discover_tests(... PROPERTIES LABELS "a;b")
# flattens the list on its way to the generated test file, which then says
# `LABELS a b`: the test gets label "a" only (and a property named "b"). This
# adds a ctest include file, read after discovery's, that reads the discovered
# test names back and sets the labels as a real list.
function(provisio_label_discovered_tests target)
  set(tests_file "${CMAKE_CURRENT_BINARY_DIR}/${target}[1]_tests.cmake")
  set(labels_file "${CMAKE_CURRENT_BINARY_DIR}/${target}_labels.cmake")
  # Written inside quotes: one argument, a list of the labels.
  string(JOIN ";" labels ${ARGN})
  file(WRITE "${labels_file}"
    "if(EXISTS \"${tests_file}\")\n"
    "  file(STRINGS \"${tests_file}\" lines REGEX \"^add_test\\\\(\\\\[=\\\\[\")\n"
    "  foreach(line IN LISTS lines)\n"
    "    string(REGEX REPLACE \"^add_test\\\\(\\\\[=\\\\[([^]]*)\\\\]=\\\\].*\" \"\\\\1\" name \"\${line}\")\n"
    "    set_tests_properties(\"\${name}\" PROPERTIES LABELS \"${labels}\")\n"
    "  endforeach()\n"
    "endif()\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES "${labels_file}")
endfunction()
