# SPDX-License-Identifier: Apache-2.0
# Every dependency comes from a Debian 12 package; a missing one names the package to install.
function(tsmqtt_require package debian_package)
  find_package(${package} ${ARGN} QUIET)
  if(NOT ${package}_FOUND)
    message(FATAL_ERROR "${package} not found: install the Debian package '${debian_package}' "
                        "(apt-get install ${debian_package}), or run ./scripts/check, which installs it.")
  endif()
endfunction()

tsmqtt_require(PahoMqttCpp libpaho-mqttpp-dev 1.2)
tsmqtt_require(OpenSSL libssl-dev)
tsmqtt_require(CLI11 libcli11-dev)
tsmqtt_require(fmt libfmt-dev)
tsmqtt_require(nlohmann_json nlohmann-json3-dev)
tsmqtt_require(tomlplusplus libtomlplusplus-dev)
tsmqtt_require(SQLite3 libsqlite3-dev)
# toml++ compiled into the program rather than loaded from Debian's shared library: only
# `profile` commands and a profile file ever parse TOML, and a library loaded at every start
# costs every run its start-up and 120 KB of resident memory (bench/RESULTS.md).
get_target_property(TSMQTT_TOML_INCLUDES tomlplusplus::tomlplusplus INTERFACE_INCLUDE_DIRECTORIES)
add_library(tsmqtt_toml INTERFACE)
target_include_directories(tsmqtt_toml SYSTEM INTERFACE ${TSMQTT_TOML_INCLUDES})
target_compile_definitions(tsmqtt_toml INTERFACE TOML_HEADER_ONLY=1)
# ncursesw, the wide-character build, for tsmqtt watch's screen (src/terminal/ alone).
set(CURSES_NEED_WIDE TRUE)
tsmqtt_require(Curses libncurses-dev)
# FindCurses defines variables, not targets, and the function above keeps them to itself.
find_package(Curses QUIET)
if(TSMQTT_BUILD_TESTS)
  tsmqtt_require(Catch2 catch2 2)
endif()
