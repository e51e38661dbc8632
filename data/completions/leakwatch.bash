# SPDX-License-Identifier: GPL-3.0-or-later
# Bash completion for leakwatch(1).

# The desktop entries of the browsers here: those that open https links.
_leakwatch_browsers ()
{
  local dir
  local IFS=:
  for dir in "${XDG_DATA_HOME:-$HOME/.local/share}" ${XDG_DATA_DIRS:-/usr/local/share:/usr/share}; do
    [ -d "$dir/applications" ] || continue
    grep -l 'x-scheme-handler/https' "$dir"/applications/*.desktop 2>/dev/null
  done | sed 's|.*/||' | sort -u
}

_leakwatch ()
{
  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}

  case $prev in
    --ca-file)
      mapfile -t COMPREPLY < <(compgen -f -- "$cur")
      return ;;
    --stun|--ip-url|--timeout|--interval)
      return ;;
    --test-browser)
      if [[ $cur != -* ]]; then
        mapfile -t COMPREPLY < <(compgen -W "$(_leakwatch_browsers)" -- "$cur")
        return
      fi ;;
  esac
  mapfile -t COMPREPLY < <(compgen -W "--check --watch --history --browsers --test-browser --json
    --stun --ip-url --ca-file --timeout --interval --version --help" -- "$cur")
}

complete -F _leakwatch leakwatch
