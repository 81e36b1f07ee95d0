# SPDX-License-Identifier: Apache-2.0
# Sourced by scripts that need a command which may come from a Debian package
# or from elsewhere (NodeSource's `nodejs` bundles npm; Debian's `npm` would
# fight it): install the package only when the command is absent AND dpkg says
# the package is not installed.
#   ENSURE_LABEL=bench . scripts/ensure_cmd.sh;  ensure node nodejs || die ...
# ensure CMD PKG: returns 0 if CMD is usable afterwards.
_ENSURE_APT_UPDATED=0
ensure() {
  command -v "$1" >/dev/null 2>&1 && return 0
  if ! dpkg-query -W -f='${Status}' "$2" 2>/dev/null | grep -q "install ok installed"; then
    local sudo=""
    [ "$(id -u)" != 0 ] && sudo="sudo"
    if [ "$_ENSURE_APT_UPDATED" = 0 ]; then
      DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq >/dev/null 2>&1
      _ENSURE_APT_UPDATED=1
    fi
    echo "${ENSURE_LABEL:-ensure}: installing $2"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$2" \
      >/dev/null 2>&1 || return 1
  fi
  command -v "$1" >/dev/null 2>&1
}
