# SPDX-License-Identifier: Apache-2.0
# Strict warnings for the project's own targets only (not for dependency headers).
function(tsmqtt_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wsign-conversion)
  if(TSMQTT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
