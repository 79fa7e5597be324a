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
if(TSMQTT_BUILD_TESTS)
  tsmqtt_require(Catch2 catch2 2)
endif()
