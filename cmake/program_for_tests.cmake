# wisp_program_for_tests(TARGET OUT_VAR): the command line tests run TARGET's binary with. When
# cross-compiled it runs under the emulator (CMAKE_CROSSCOMPILING_EMULATOR): a launcher script
# beside the build folder's binaries, so that tests which hand the program to scripts of their
# own (Python, shell, cmake -P) run it the same way; otherwise the binary itself.
# WISP_EMULATOR_COMMAND: the emulator as one command line, for scripts that run other
# cross-compiled programs (the C API's consumers); empty when not cross-compiled.
list(JOIN CMAKE_CROSSCOMPILING_EMULATOR " " WISP_EMULATOR_COMMAND)

function(wisp_program_for_tests target out_var)
  if(CMAKE_CROSSCOMPILING_EMULATOR)
    set(launcher ${CMAKE_BINARY_DIR}/${target}-under-emulator)
    file(GENERATE OUTPUT ${launcher}
         CONTENT "#!/bin/sh\nexec ${WISP_EMULATOR_COMMAND} $<TARGET_FILE:${target}> \"$@\"\n"
         FILE_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
                          WORLD_READ WORLD_EXECUTE)
    set(${out_var} ${launcher} PARENT_SCOPE)
  else()
    set(${out_var} $<TARGET_FILE:${target}> PARENT_SCOPE)
  endif()
endfunction()
