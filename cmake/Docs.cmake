# SPDX-License-Identifier: Apache-2.0
# Manual pages and shell completions.
#
# Included from the top CMakeLists.txt: builds man/*.scd into ${CMAKE_BINARY_DIR}/man/*.1
# (target `man`, part of ALL) and installs the pages and the completions of completions/.
#
# The same file also runs in script mode, as the build step for one page:
#   cmake -DSCDOC=... -DGZIP=... -DVERSION=... -DIN=x.1.scd -DOUT=x.1 -P Docs.cmake
# It writes OUT (roff) and OUT.gz (gzip -9n, for installing, as Debian policy wants).

if(CMAKE_SCRIPT_MODE_FILE)
  cmake_policy(VERSION 3.25)  # script mode starts with old policies: CMP0053 would expand @VERSION@
  file(READ "${IN}" page)
  string(REPLACE "@VERSION@" "${VERSION}" page "${page}")
  file(WRITE "${OUT}.scd" "${page}")
  execute_process(COMMAND "${SCDOC}" INPUT_FILE "${OUT}.scd" OUTPUT_VARIABLE roff
                  ERROR_VARIABLE error RESULT_VARIABLE status)
  file(REMOVE "${OUT}.scd")
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "scdoc failed on ${IN}: ${error}")
  endif()
  # scdoc sets .nh before .TH, which turns hyphenation back on under groff: option names
  # such as --mqtt-version must not break at a hyphen the user would then type.
  string(REGEX REPLACE "(\n\\.TH [^\n]*\n)" "\\1.nh\n" roff "${roff}")
  # Nor may an option name break across lines at one of its own hyphens: \% before a bold
  # word that starts with a dash forbids it.
  string(REPLACE "\\fB-" "\\fB\\%-" roff "${roff}")
  # scdoc 1.11 puts a paragraph macro after every heading and at the end of every
  # indented block; mandoc -Tlint warns about each ("PP after SH", "PP empty").
  # A .P just before .RE moves after it, so the next item still gets its blank line;
  # a .P that starts nothing, or follows a heading, goes.
  set(previous "")
  while(NOT roff STREQUAL previous)
    set(previous "${roff}")
    string(REGEX REPLACE "\n\\.P\n\\.RE\n" "\n.RE\n.P\n" roff "${roff}")
    string(REGEX REPLACE "\n\\.P\n(\\.(SH|SS|P|RE)[ \n])" "\n\\1" roff "${roff}")
    string(REGEX REPLACE "(\n\\.S[HS] [^\n]*\n)\\.P\n" "\\1" roff "${roff}")
    string(REGEX REPLACE "\n\\.P\n$" "\n" roff "${roff}")
  endwhile()
  file(WRITE "${OUT}" "${roff}")
  execute_process(COMMAND "${GZIP}" -9 -n -c "${OUT}" OUTPUT_FILE "${OUT}.gz" RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "gzip failed on ${OUT}")
  endif()
  return()
endif()

include_guard(GLOBAL)

include(GNUInstallDirs)

option(TSMQTT_BUILD_DOCS "Build and install the manual pages (needs scdoc)" ON)

set(TSMQTT_DOCS_SCRIPT "${CMAKE_CURRENT_LIST_FILE}")
set(TSMQTT_SOURCE_ROOT "${CMAKE_CURRENT_LIST_DIR}/..")
cmake_path(NORMAL_PATH TSMQTT_SOURCE_ROOT)

# Where each shell looks for completions shipped by packages. The defaults are Debian's;
# Fedora and Homebrew want zsh's in share/zsh/site-functions.
set(TSMQTT_BASH_COMPLETION_DIR share/bash-completion/completions CACHE STRING "Install folder of the bash completion")
set(TSMQTT_ZSH_COMPLETION_DIR share/zsh/vendor-completions CACHE STRING "Install folder of the zsh completion")
set(TSMQTT_FISH_COMPLETION_DIR share/fish/vendor_completions.d CACHE STRING "Install folder of the fish completion")
install(FILES "${TSMQTT_SOURCE_ROOT}/completions/tsmqtt.bash" DESTINATION "${TSMQTT_BASH_COMPLETION_DIR}" RENAME tsmqtt)
install(FILES "${TSMQTT_SOURCE_ROOT}/completions/_tsmqtt" DESTINATION "${TSMQTT_ZSH_COMPLETION_DIR}")
install(FILES "${TSMQTT_SOURCE_ROOT}/completions/tsmqtt.fish" DESTINATION "${TSMQTT_FISH_COMPLETION_DIR}")

if(TSMQTT_BUILD_DOCS)
  find_program(TSMQTT_SCDOC scdoc)
  if(NOT TSMQTT_SCDOC)
    message(FATAL_ERROR "scdoc not found: install the Debian package 'scdoc' (apt-get install scdoc), "
                        "or run ./scripts/check, which installs it; or configure with -DTSMQTT_BUILD_DOCS=OFF.")
  endif()
  find_program(TSMQTT_GZIP gzip REQUIRED)

  file(GLOB TSMQTT_MAN_SOURCES CONFIGURE_DEPENDS "${TSMQTT_SOURCE_ROOT}/man/*.scd")
  set(TSMQTT_MAN_PAGES "")
  foreach(source IN LISTS TSMQTT_MAN_SOURCES)
    get_filename_component(page "${source}" NAME_WLE)  # tsmqtt.1
    string(REGEX MATCH "[0-9]$" section "${page}")
    set(output "${CMAKE_BINARY_DIR}/man/${page}")
    add_custom_command(
      OUTPUT "${output}" "${output}.gz"
      COMMAND "${CMAKE_COMMAND}" -D "SCDOC=${TSMQTT_SCDOC}" -D "GZIP=${TSMQTT_GZIP}"
              -D "VERSION=${PROJECT_VERSION}" -D "IN=${source}" -D "OUT=${output}"
              -P "${TSMQTT_DOCS_SCRIPT}"
      DEPENDS "${source}" "${TSMQTT_DOCS_SCRIPT}"
      COMMENT "Building manual page ${page}"
      VERBATIM)
    list(APPEND TSMQTT_MAN_PAGES "${output}")
    install(FILES "${output}.gz" DESTINATION "${CMAKE_INSTALL_MANDIR}/man${section}")
  endforeach()
  file(MAKE_DIRECTORY "${CMAKE_BINARY_DIR}/man")
  add_custom_target(man ALL DEPENDS ${TSMQTT_MAN_PAGES})
endif()
