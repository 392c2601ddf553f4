# bash completion for scarlett-osc(1)                      -*- shell-script -*-
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Completes options; the usual addresses after --listen, directories after
# --socket-dir, files (and "-", standard output) after --layout, rates after --rate.
# Asks nothing of the daemon or the network.

_scarlett_osc() {
    COMPREPLY=()
    local options='-l --listen -a --allow -s --socket-dir -r --rate --layout -v --verbose -q --quiet -h --help -V --version'

    # The option and the value being typed, read from the line rather than from
    # COMP_WORDS: bash splits words at "=" and ":", which "--listen=..." and
    # addresses ("[::1]:7000") hold.
    local line=${COMP_LINE:0:COMP_POINT}
    local value=${line##*[[:space:]]}
    local before=${line%"$value"}
    before=${before%"${before##*[![:space:]]}"}
    local option=${before##*[[:space:]]}
    case $option in
        -l | --listen | -a | --allow | -s | --socket-dir | -r | --rate | --layout) ;;
        *)
            option=''
            if [[ $value == --*=* ]]; then
                option=${value%%=*}
                value=${value#*=}
            fi
            ;;
    esac

    case $option in
        -l | --listen)
            # Readline replaces only what follows the last ":" (a word break): give
            # each address without what is typed up to there.
            local head='' address
            [[ $COMP_WORDBREAKS == *:* && $value == *:* ]] && head=${value%"${value##*:}"}
            for address in 127.0.0.1:7000 '[::1]:7000'; do
                [[ $address == "$value"* ]] && COMPREPLY+=("${address#"$head"}")
            done
            ;;
        -s | --socket-dir)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -d -- "$value")
            ;;
        --layout)
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$value")
            [[ -z $value || $value == - ]] && COMPREPLY+=(-)
            ;;
        -r | --rate)
            mapfile -t COMPREPLY < <(compgen -W '50 100 200 500 1000' -- "$value")
            ;;
        -a | --allow)
            # A network is the user's to type: nothing rather than file names.
            ;;
        *)
            # No arguments, only options.
            mapfile -t COMPREPLY < <(compgen -W "$options" -- "$value")
            ;;
    esac
    return 0
}

complete -F _scarlett_osc scarlett-osc
