# Runs `wisp run` on a module converted from text and checks the exit code and output.
#   -DWISP=... -DWAT2WASM=... -DWAT=source.wat -DWASM=output.wasm
#   -DRUN_ARGS=a|b|c          the arguments of `wisp run`; `{}` stands for the .wasm path
#   -DEXPECTED_EXIT=N
#   -DEXPECTED_STDOUT=l1|l2   exact stdout, one line per |-separated item (optional)
#   -DSTDOUT_REGEX=... -DSTDERR_REGEX=...   patterns the outputs must match (optional)
# | separates items because a ; would split the -D argument itself.
# The WebAssembly 3.0 features Wisp has on by default are on for the text too.
execute_process(COMMAND ${WAT2WASM} --debug-names --enable-tail-call --enable-multi-memory
                        --enable-extended-const --enable-memory64 ${WAT} -o ${WASM}
                RESULT_VARIABLE converted ERROR_VARIABLE conversion_error)
if(NOT converted EQUAL 0)
  message(FATAL_ERROR "wat2wasm failed on ${WAT}: ${conversion_error}")
endif()

string(REPLACE "|" ";" run_args "${RUN_ARGS}")
list(TRANSFORM run_args REPLACE "^{}$" "${WASM}")
execute_process(COMMAND ${WISP} run ${run_args}
                RESULT_VARIABLE exit_code OUTPUT_VARIABLE stdout ERROR_VARIABLE stderr)
set(report "wisp run ${run_args}\n-- exit code: ${exit_code}\n-- stdout:\n${stdout}-- stderr:\n${stderr}")

if(NOT exit_code STREQUAL "${EXPECTED_EXIT}")
  message(FATAL_ERROR "expected exit code ${EXPECTED_EXIT}\n${report}")
endif()
if(DEFINED EXPECTED_STDOUT)
  string(REPLACE "|" "\n" expected_stdout "${EXPECTED_STDOUT}\n")
  if(NOT stdout STREQUAL expected_stdout)
    message(FATAL_ERROR "expected stdout:\n${expected_stdout}\n${report}")
  endif()
endif()
if(DEFINED STDOUT_REGEX AND NOT stdout MATCHES "${STDOUT_REGEX}")
  message(FATAL_ERROR "stdout does not match ${STDOUT_REGEX}\n${report}")
endif()
if(DEFINED STDERR_REGEX AND NOT stderr MATCHES "${STDERR_REGEX}")
  message(FATAL_ERROR "stderr does not match ${STDERR_REGEX}\n${report}")
endif()
message(STATUS "${report}")
