# -DBOREALIS_SANITIZE=address;undefined instruments borealis's own targets (CI uses it). Applied per
# target by the helpers in Borealis.cmake, not globally: code loaded into other programs (the
# PostgreSQL extension under src/pgext) must stay uninstrumented.
set(BOREALIS_SANITIZE_COMPILE "")
set(BOREALIS_SANITIZE_LINK "")
if(BOREALIS_SANITIZE)
  string(REPLACE ";" "," _san "${BOREALIS_SANITIZE}")
  set(BOREALIS_SANITIZE_COMPILE -fsanitize=${_san} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  set(BOREALIS_SANITIZE_LINK -fsanitize=${_san})
endif()

# Fuzz builds (clang only) instrument every borealis library for coverage so libFuzzer can steer.
if(BOREALIS_FUZZ)
  list(APPEND BOREALIS_SANITIZE_COMPILE -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer)
  list(APPEND BOREALIS_SANITIZE_LINK -fsanitize=address,undefined)
endif()

# Adds the sanitizer flags to one target.
function(borealis_sanitize target)
  target_compile_options(${target} PRIVATE ${BOREALIS_SANITIZE_COMPILE})
  target_link_options(${target} PRIVATE ${BOREALIS_SANITIZE_LINK})
endfunction()
