AC_DEFUN([GDOI_SNMP], [
# net-snmp (optional): the AgentX subagent gdoi-snmp in mibs/.
# --with-snmp=auto|yes|no (default auto); found through net-snmp-config.
# SNMP_CFLAGS keeps only what the headers need (-DNETSNMP_*, and -I of a
# directory that holds net-snmp/): net-snmp-config --base-cflags also
# carries its own build's -O2, _FORTIFY_SOURCE and perl include paths.
AC_ARG_WITH([snmp],
  [AS_HELP_STRING([--with-snmp@<:@=auto|yes|no@:>@],
    [build the AgentX subagent gdoi-snmp with net-snmp @<:@default=auto@:>@])],
  [], [with_snmp=auto])
AS_CASE([$with_snmp], [auto|yes|no], [],
  [AC_MSG_ERROR([--with-snmp takes auto, yes or no, not '$with_snmp'])])
gdoi_have_SNMP=no
gdoi_snmp_why="disabled (--with-snmp=no)"
SNMP_CFLAGS=
SNMP_LIBS=
AS_IF([test "x$with_snmp" != xno], [
  AC_PATH_PROG([NET_SNMP_CONFIG], [net-snmp-config])
  gdoi_snmp_why="net-snmp-config not found (Debian package: libsnmp-dev)"
  AS_IF([test -n "$NET_SNMP_CONFIG"], [
    for gdoi_f in `$NET_SNMP_CONFIG --base-cflags`; do
      AS_CASE([$gdoi_f],
        [-DNETSNMP_*], [AS_CASE([" $SNMP_CFLAGS "], [*" $gdoi_f "*], [],
                         [SNMP_CFLAGS="$SNMP_CFLAGS $gdoi_f"])],
        [-I/usr/include], [],
        [-I*], [AS_IF([test -d "${gdoi_f#-I}/net-snmp"],
                  [SNMP_CFLAGS="$SNMP_CFLAGS $gdoi_f"])])
    done
    SNMP_CFLAGS=`echo $SNMP_CFLAGS`
    SNMP_LIBS=`$NET_SNMP_CONFIG --agent-libs`
    gdoi_version_SNMP=`$NET_SNMP_CONFIG --version`
    AC_MSG_CHECKING([whether a net-snmp AgentX subagent links])
    gdoi_save_CFLAGS=$CFLAGS
    gdoi_save_LIBS=$LIBS
    CFLAGS="$CFLAGS $SNMP_CFLAGS"
    LIBS="$SNMP_LIBS $LIBS"
    AC_LINK_IFELSE([AC_LANG_PROGRAM([[
#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#include <net-snmp/agent/net-snmp-agent-includes.h>
]], [[
netsnmp_ds_set_boolean(NETSNMP_DS_APPLICATION_ID, NETSNMP_DS_AGENT_ROLE, 1);
init_agent("conftest");
agent_check_and_process(0);
]])], [gdoi_have_SNMP=yes],
      [gdoi_snmp_why="$NET_SNMP_CONFIG --agent-libs does not link a subagent (see config.log)"])
    CFLAGS=$gdoi_save_CFLAGS
    LIBS=$gdoi_save_LIBS
    AC_MSG_RESULT([$gdoi_have_SNMP])
  ])
  AS_IF([test "x$gdoi_have_SNMP" != xyes && test "x$with_snmp" = xyes],
    [AC_MSG_ERROR([--with-snmp=yes: $gdoi_snmp_why])])
])
AS_IF([test "x$gdoi_have_SNMP" != xyes], [SNMP_CFLAGS= SNMP_LIBS=])
AC_SUBST([SNMP_CFLAGS])
AC_SUBST([SNMP_LIBS])
AM_CONDITIONAL([HAVE_SNMP], [test "x$gdoi_have_SNMP" = xyes])
])
