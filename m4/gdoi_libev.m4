# gdoi_libev.m4 -- libev (required by the daemons).
#
# libev ships no pkg-config file, so look for <ev.h> and ev_run() in -lev.
# LIBEV_CFLAGS / LIBEV_LIBS given on the configure command line skip the
# probe of the library (the header is still checked with them).
# Sets LIBEV_CFLAGS, LIBEV_LIBS, gdoi_version_LIBEV.

AC_DEFUN([GDOI_LIBEV], [
  AC_ARG_VAR([LIBEV_CFLAGS], [C compiler flags for libev])
  AC_ARG_VAR([LIBEV_LIBS], [linker flags for libev (default: -lev)])
  gdoi_save_CPPFLAGS=$CPPFLAGS
  CPPFLAGS="$CPPFLAGS $LIBEV_CFLAGS"
  AC_CHECK_HEADERS([ev.h], [],
    [AC_MSG_ERROR([<ev.h> not found (Debian package: libev-dev; `make deps' installs it)])])
  AS_IF([test -z "$LIBEV_LIBS"], [
    AC_CHECK_LIB([ev], [ev_run], [LIBEV_LIBS=-lev],
      [AC_MSG_ERROR([libev with ev_run() not found (Debian package: libev-dev)])])
  ])
  AC_COMPUTE_INT([gdoi_ev_major], [EV_VERSION_MAJOR], [[#include <ev.h>]], [gdoi_ev_major=])
  AC_COMPUTE_INT([gdoi_ev_minor], [EV_VERSION_MINOR], [[#include <ev.h>]], [gdoi_ev_minor=])
  CPPFLAGS=$gdoi_save_CPPFLAGS
  gdoi_version_LIBEV="$gdoi_ev_major.$gdoi_ev_minor"
  AS_IF([test "$gdoi_version_LIBEV" = "."], [gdoi_version_LIBEV=unknown])
  AC_SUBST([LIBEV_CFLAGS])
  AC_SUBST([LIBEV_LIBS])
])
