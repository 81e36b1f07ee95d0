# SPDX-License-Identifier: Apache-2.0
# cmake -DINPUT=file.der -DOUTPUT=file.c -DNAME=symbol -P bin2c.cmake
# Writes `const unsigned char NAME[]` and `NAME_len`; the output is rewritten
# only when its content changes, so an unchanged certificate rebuilds nothing.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" nhex)
math(EXPR nbytes "${nhex} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "((0x..,){16})" "\\1\n    " body "${body}")
set(text "/* SPDX-License-Identifier: Apache-2.0 */\n/* Generated at build time from ${INPUT}: do not edit, never commit. */\n")
string(APPEND text "const unsigned char ${NAME}[] = {\n    ${body}\n};\n")
string(APPEND text "const unsigned int ${NAME}_len = ${nbytes}u;\n")
set(old "")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" old)
endif()
if(NOT old STREQUAL text)
  file(WRITE "${OUTPUT}" "${text}")
endif()
