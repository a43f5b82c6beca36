# Helpers that keep each component's CMakeLists to its source list and dependencies.
#
# borealis_component(<name> SOURCES ... [DEPS ...])  -> static library borealis_<name>
# borealis_unit_test(<name> SOURCES ... [DEPS ...])  -> GoogleTest binary <name>_test, label "unit"
function(borealis_component name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  add_library(borealis_${name} STATIC ${ARG_SOURCES})
  target_include_directories(borealis_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(borealis_${name} PRIVATE ${BOREALIS_WARNINGS})
  target_link_libraries(borealis_${name} PUBLIC ${ARG_DEPS})
endfunction()

function(borealis_unit_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  if(NOT BOREALIS_TESTS)
    return()
  endif()
  add_executable(${name}_test ${ARG_SOURCES})
  target_compile_options(${name}_test PRIVATE ${BOREALIS_WARNINGS})
  target_link_libraries(${name}_test PRIVATE ${ARG_DEPS} GTest::gtest_main GTest::gmock)
  gtest_discover_tests(${name}_test PROPERTIES LABELS unit DISCOVERY_TIMEOUT 60)
endfunction()

# borealis_fuzzer(<name> SOURCES ... DEPS ...) -> libFuzzer binary <name>_fuzz (only with BOREALIS_FUZZ and clang)
function(borealis_fuzzer name)
  cmake_parse_arguments(ARG "" "" "SOURCES;DEPS" ${ARGN})
  if(NOT BOREALIS_FUZZ)
    return()
  endif()
  add_executable(${name}_fuzz ${ARG_SOURCES})
  target_compile_options(${name}_fuzz PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_options(${name}_fuzz PRIVATE -fsanitize=fuzzer,address,undefined)
  target_link_libraries(${name}_fuzz PRIVATE ${ARG_DEPS})
endfunction()
