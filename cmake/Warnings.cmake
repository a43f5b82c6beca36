# Warnings every component builds with; -Werror only where asked so a newer compiler never breaks a user's build.
option(BOREALIS_WERROR "Treat warnings as errors" OFF)
set(BOREALIS_WARNINGS -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
    -Woverloaded-virtual -Wnull-dereference -Wimplicit-fallthrough)
if(BOREALIS_WERROR)
  list(APPEND BOREALIS_WARNINGS -Werror)
endif()
