# -DBOREALIS_SANITIZE=address;undefined turns on the sanitizers for every target (CI uses it).
if(BOREALIS_SANITIZE)
  string(REPLACE ";" "," _san "${BOREALIS_SANITIZE}")
  add_compile_options(-fsanitize=${_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${_san})
endif()

# Fuzz builds (clang only) instrument every library for coverage so libFuzzer can steer.
if(BOREALIS_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
endif()
