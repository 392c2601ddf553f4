# bash completion for scarlett-sim(1)                      -*- shell-script -*-
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Completes commands and options; simulator names after -d from 'scarlett-sim list',
# model ids from 'scarlett-sim models', hardware actions and their arguments from
# 'scarlett-sim actions' of the chosen (or only) simulator. Asked quietly: with no
# simulator running there are simply no actions to offer.

# Runs scarlett-sim quietly; a simulator that hangs must not hang the shell.
_scarlett_sim_ask() {
    timeout 2 scarlett-sim "$@" 2>/dev/null
}

_scarlett_sim_models() {
    _scarlett_sim_ask models | awk 'NR > 1 { print $1 }'
}

_scarlett_sim_names() {
    _scarlett_sim_ask list | awk '$2 == "model" { print $1 }'
}

# The usage part of each line of 'actions' ("press phantom INPUT"), one per line.
_scarlett_sim_action_usages() {
    _scarlett_sim_ask "$@" actions | sed -e 's/  .*//'
}

# Words that may follow the typed action words $2...: the literal (lower-case)
# alternatives at that position of every usage whose earlier words match; an
# upper-case placeholder (INPUT, PERCENT) matches anything.
_scarlett_sim_action_words() {
    local usages=$1
    shift
    local -a typed=("$@")
    local usage i word
    local -a parts
    while IFS= read -r usage; do
        [[ -n $usage ]] || continue
        read -r -a parts <<<"${usage//[\[\]]/}"
        ((${#parts[@]} > ${#typed[@]})) || continue
        for ((i = 0; i < ${#typed[@]}; i++)); do
            word=${parts[i]}
            [[ $word =~ [A-Z] ]] && continue
            [[ "|$word|" == *"|${typed[i],,}|"* ]] || continue 2
        done
        word=${parts[${#typed[@]}]}
        [[ $word =~ [A-Z] && ! $word == *"|"* ]] && continue
        tr '|' '\n' <<<"$word" | grep -v '[A-Z]'
    done <<<"$usages"
}

_scarlett_sim() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=''
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()

    local commands='serve list models show diff actions info hardware power-cycle unplug replug help'
    local eras='latest gen4-preview 6.7 5.14'

    case $prev in
    -d | --device)
        mapfile -t COMPREPLY < <(compgen -W "$(_scarlett_sim_names)" -- "$cur")
        return 0
        ;;
    --kernel)
        mapfile -t COMPREPLY < <(compgen -W "$eras" -- "$cur")
        return 0
        ;;
    --state)
        mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        compopt -o filenames 2>/dev/null
        return 0
        ;;
    --fixtures)
        mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        compopt -o filenames 2>/dev/null
        return 0
        ;;
    --name | --ready-fd)
        return 0
        ;;
    --block)
        # The state.ID blocks of the file given with --state.
        local i file=''
        for ((i = 1; i < COMP_CWORD; i++)); do
            [[ ${COMP_WORDS[i]} == --state ]] && file=${COMP_WORDS[i + 1]}
        done
        file=${file/#\~/$HOME}
        [[ -r $file ]] &&
            mapfile -t COMPREPLY < <(compgen -W "$(sed -n 's/^state\.\([^ ]*\) {.*/\1/p' "$file")" -- "$cur")
        return 0
        ;;
    esac

    # The simulator chosen with -d, and where the command starts.
    local -a device=()
    local first=1
    if [[ ${COMP_WORDS[1]} == -d || ${COMP_WORDS[1]} == --device ]]; then
        device=(-d "${COMP_WORDS[2]}")
        first=3
    fi

    if ((COMP_CWORD == first)); then
        local words="$commands"
        ((first == 1)) && words+=' -d --device -h --help'
        words+=" $(_scarlett_sim_action_usages "${device[@]}" | awk '{ print $1 }' | sort -u)"
        mapfile -t COMPREPLY < <(compgen -W "$words" -- "$cur")
        return 0
    fi

    local command=${COMP_WORDS[first]}
    local -a args=("${COMP_WORDS[@]:first+1:COMP_CWORD-first-1}")
    # Positional arguments typed so far, option values not counted.
    local positional=0 word skip=''
    for word in "${args[@]}"; do
        if [[ -n $skip ]]; then
            skip=''
        elif [[ $word == --@(kernel|name|state|block|ready-fd|fixtures) ]]; then
            skip=1
        elif [[ $word != -* ]]; then
            ((positional++))
        fi
    done
    case $command in
    serve)
        if [[ $cur == -* ]]; then
            mapfile -t COMPREPLY < <(compgen -W '--kernel --name --state --block --ready-fd' -- "$cur")
        elif ((positional == 0)); then
            mapfile -t COMPREPLY < <(compgen -W "$(_scarlett_sim_models)" -- "$cur")
        fi
        ;;
    show)
        if [[ $cur == -* ]]; then
            mapfile -t COMPREPLY < <(compgen -W '--kernel --msd' -- "$cur")
        elif ((positional == 0)); then
            mapfile -t COMPREPLY < <(compgen -W "$(_scarlett_sim_models)" -- "$cur")
        fi
        ;;
    diff)
        if [[ $cur == -* ]]; then
            mapfile -t COMPREPLY < <(compgen -W '--kernel --fixtures' -- "$cur")
        else
            mapfile -t COMPREPLY < <(compgen -W "$(_scarlett_sim_models)" -- "$cur")
            mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -X '!*.state' -- "$cur")
            mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -d -- "$cur")
            compopt -o filenames 2>/dev/null
        fi
        ;;
    list | models | actions | info | hardware | power-cycle | unplug | replug | help) ;;
    *)
        # A hardware action: its literal arguments from the model's action list.
        local usages
        usages=$(_scarlett_sim_action_usages "${device[@]}")
        mapfile -t COMPREPLY < <(compgen -W "$(_scarlett_sim_action_words "$usages" \
            "${COMP_WORDS[@]:first:COMP_CWORD-first}" | sort -u)" -- "$cur")
        ;;
    esac
    return 0
}

complete -F _scarlett_sim scarlett-sim
