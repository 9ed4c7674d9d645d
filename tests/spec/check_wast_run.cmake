# Runs `wisp wast` on one script and checks its exit status, its closing line and the length
# of its JSON report: a self-test of the spec runner's verdicts and counting.
#   cmake -DWISP=... -DWAST2JSON=... -DSCRIPT=... -DREPORT=... -DEXPECTED_EXIT=0
#         -DEXPECTED_SUMMARY="3 passed, 0 failed, 2 skipped" -P check_wast_run.cmake
execute_process(COMMAND "${WISP}" wast "--wast2json=${WAST2JSON}" --report-json "${REPORT}"
                        "${SCRIPT}"
                RESULT_VARIABLE exit_status OUTPUT_VARIABLE output ERROR_VARIABLE errors)
message("${output}${errors}")

if(NOT "${exit_status}" STREQUAL "${EXPECTED_EXIT}")
  message(FATAL_ERROR "exit status ${exit_status}, expected ${EXPECTED_EXIT}")
endif()
string(STRIP "${output}" output)
string(REGEX MATCH "[^\n]*$" summary "${output}")
if(NOT summary STREQUAL EXPECTED_SUMMARY)
  message(FATAL_ERROR "closing line '${summary}', expected '${EXPECTED_SUMMARY}'")
endif()

string(REGEX MATCHALL "[0-9]+" counts "${EXPECTED_SUMMARY}")
set(total 0)
foreach(count IN LISTS counts)
  math(EXPR total "${total} + ${count}")
endforeach()
file(READ "${REPORT}" report)
string(JSON reported LENGTH "${report}")
if(NOT reported EQUAL total)
  message(FATAL_ERROR "the report has ${reported} results, expected ${total}")
endif()
