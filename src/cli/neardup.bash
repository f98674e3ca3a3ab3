# bash completion for neardup (installed as share/bash-completion/completions/neardup).
# Commands, index and stage commands are listed here; each command's options are read from its own
# --help, so they are never out of date.
_neardup() {
    local cur prev words cword
    if declare -F _init_completion >/dev/null; then
        _init_completion || return
    else
        cur=${COMP_WORDS[COMP_CWORD]}; prev=${COMP_WORDS[COMP_CWORD-1]}
        words=("${COMP_WORDS[@]}"); cword=$COMP_CWORD
    fi
    local commands="scan dedup index stage extract explain params help"
    local stage_commands="sign link"
    local index_commands="add query prune stats check export runs report"
    if [ "$cword" -eq 1 ]; then
        COMPREPLY=($(compgen -W "$commands --help --version -V" -- "$cur"))
        return
    fi
    local cmd=${words[1]} sub=""
    if [ "$cmd" = help ]; then
        [ "$cword" -eq 2 ] && COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        [ "$cword" -eq 3 ] && [ "${words[2]}" = index ] && COMPREPLY=($(compgen -W "$index_commands" -- "$cur"))
        [ "$cword" -eq 3 ] && [ "${words[2]}" = stage ] && COMPREPLY=($(compgen -W "$stage_commands" -- "$cur"))
        return
    fi
    if [ "$cmd" = index ]; then
        if [ "$cword" -eq 2 ]; then
            COMPREPLY=($(compgen -W "$index_commands" -- "$cur"))
            return
        fi
        sub=${words[2]}
    fi
    if [ "$cmd" = stage ]; then
        if [ "$cword" -eq 2 ]; then
            COMPREPLY=($(compgen -W "$stage_commands" -- "$cur"))
            return
        fi
        sub=${words[2]}
    fi
    case $prev in
        --format|-f)
            case $cmd in
                scan|dedup) COMPREPLY=($(compgen -W "tsv csv jsonl stories" -- "$cur")) ;;
                explain) COMPREPLY=($(compgen -W "text json" -- "$cur")) ;;
                *) COMPREPLY=($(compgen -W "tsv csv jsonl" -- "$cur")) ;;
            esac
            return ;;
        --html) COMPREPLY=($(compgen -W "main all" -- "$cur")); return ;;
        --text-format) COMPREPLY=($(compgen -W "text html auto" -- "$cur")); return ;;
        --site-boilerplate) COMPREPLY=($(compgen -W "drop keep auto" -- "$cur")); return ;;
        --level) COMPREPLY=($(compgen -W "near story" -- "$cur")); return ;;
        --db|--output|-o|--keep|--drop|--id-root|--work)
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
    esac
    if [[ $cur == -* ]]; then
        local opts
        opts=$("${words[0]}" $cmd $sub --help 2>/dev/null | grep -oE -- '--[a-z][a-z-]*' | sort -u)
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
        return
    fi
    COMPREPLY=($(compgen -f -- "$cur"))
}
complete -o filenames -F _neardup neardup
