#!/bin/sh
# Turn the RelaxNG schema into a C string (gdoi_conf_schema) for schema.c.
set -e
test $# -eq 1 || { echo "usage: rng2c.sh SCHEMA.rng" >&2; exit 2; }
echo '/* Generated from gdoi.rng by rng2c.sh: do not edit. */'
echo '#include "gdoi/config.h"'
echo 'const char gdoi_conf_schema[] ='
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/	"/' -e 's/$/\\n"/' "$1"
echo '	;'
