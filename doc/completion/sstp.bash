# bash completion for sstp(1): subcommands, their options, profile names and running sessions.
_sstp_profiles() {
    local d dirs=("${XDG_CONFIG_HOME:-$HOME/.config}/sstp" /etc/sstp)
    for d in "${dirs[@]}"; do
        [ -d "$d" ] && find "$d" -mindepth 2 -maxdepth 2 -name profile.conf -printf '%h\n' 2>/dev/null | xargs -r -n1 basename
    done
}
_sstp_sessions() {
    local d=/run/sstp
    [ -d "$d" ] && find "$d" -maxdepth 1 -name '*.sock' -printf '%f\n' 2>/dev/null | sed 's/\.sock$//'
}
# the keys of sstp.conf(5), for `sstp set NAME KEY=VALUE`
_sstp_keys="name server sni ca pin-sha256 route pool dns dns-domain cert key cert-password-file user identity tls-cert password-file auth proxy proxy-user proxy-password-file mtu no-routes no-dns full-tunnel kill-switch route-conflict reconnect no-ipv6 interface timeout script up down vnet-name vnet-id"
_sstp() {
    local cur prev cmd i
    COMPREPLY=()
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${COMP_WORDS[i]}" in -*) ;; *) cmd=${COMP_WORDS[i]}; break ;; esac
    done
    local global="-v --verbose -q --quiet --syslog --state-dir --backup-dir -h --help"
    local conn="--package --cert --key --cert-password-file --ca --pin-sha256 --insecure --sni -u --user
        --password-file --password-stdin --identity --tls-cert --auth --proxy --proxy-user --proxy-password-file --route --no-routes --full-tunnel --kill-switch --route-conflict --dns --dns-domain --no-dns
        --no-ipv6 --mtu -i --interface --reconnect --no-reconnect --wait -t --timeout -n --name -s --script --up --down"
    case "$prev" in
        --package|--cert|--key|--cert-password-file|--ca|--password-file|--proxy-password-file|--junit|--out|--root|--script|-s)
            COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --state-dir|--backup-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --auth) COMPREPLY=($(compgen -W "mschapv2 eap-mschapv2 pap eap-tls peap" -- "$cur")); return ;;
        --route-conflict) COMPREPLY=($(compgen -W "prefer-tunnel skip" -- "$cur")); return ;;
        --route|--dns|--mtu|--timeout|-t|--sni|--pin-sha256|--proxy|--proxy-user|--user|-u|--name|-n|--interface|-i|--check|--probe|--cn|--bits|--days|--up|--down)
            return ;;
    esac
    if [ -z "$cmd" ]; then
        COMPREPLY=($(compgen -W "connect disconnect status run check import package cert cleanup list show set edit remove helper help version --version $global" -- "$cur"))
        return
    fi
    case "$cmd" in
        connect)
            if [[ $cur == -* ]]; then
                COMPREPLY=($(compgen -W "$conn -b --background --check --json $global" -- "$cur"))
            else
                COMPREPLY=($(compgen -W "$(_sstp_profiles)" -- "$cur"))
            fi ;;
        run)
            if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$conn $global --" -- "$cur"))
            else COMPREPLY=($(compgen -W "$(_sstp_profiles)" -- "$cur")); fi ;;
        check)
            if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$conn --probe --json --junit $global" -- "$cur"))
            else COMPREPLY=($(compgen -W "$(_sstp_profiles)" -- "$cur")); fi ;;
        disconnect)
            if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "-a --all -t --timeout $global" -- "$cur"))
            else COMPREPLY=($(compgen -W "$(_sstp_sessions)" -- "$cur")); fi ;;
        status)
            if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--json $global" -- "$cur"))
            else COMPREPLY=($(compgen -W "$(_sstp_sessions)" -- "$cur")); fi ;;
        cleanup)
            if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$global" -- "$cur"))
            else COMPREPLY=($(compgen -W "$(_sstp_sessions)" -- "$cur")); fi ;;
        import)
            if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "-n --name --cert --key -u --user --ca --dns-domain -f --force $global" -- "$cur"))
            else COMPREPLY=($(compgen -f -- "$cur" | grep -E '\.(zip|xml|pbk|nmconnection)$') $(compgen -d -- "$cur")); fi ;;
        package)
            if [ "$prev" = package ]; then COMPREPLY=($(compgen -W "show" -- "$cur"))
            elif [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--json $global" -- "$cur"))
            else COMPREPLY=($(compgen -f -X '!*.zip' -- "$cur") $(compgen -d -- "$cur")); fi ;;
        cert)
            if [ "$prev" = cert ]; then COMPREPLY=($(compgen -W "root client thumbprint check" -- "$cur"))
            elif [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "--cn --out -o --root --bits --days --password-file --password-stdin $global" -- "$cur"))
            else COMPREPLY=($(compgen -f -- "$cur")); fi ;;
        list)
            COMPREPLY=($(compgen -W "--json $global" -- "$cur")) ;;
        show|edit|remove)
            if [[ $cur == -* ]]; then COMPREPLY=($(compgen -W "$([ "$cmd" = show ] && echo --json) $global" -- "$cur"))
            else COMPREPLY=($(compgen -W "$(_sstp_profiles)" -- "$cur")); fi ;;
        set)
            if [ "$prev" = set ]; then COMPREPLY=($(compgen -W "$(_sstp_profiles)" -- "$cur"))
            elif [[ $cur == *=* ]]; then
                case "${cur%%=*}" in
                    ca|cert|key|*-file|script) COMPREPLY=($(compgen -P "${cur%%=*}=" -f -- "${cur#*=}")) ;;
                    no-routes|no-dns|full-tunnel|kill-switch|reconnect|no-ipv6) COMPREPLY=($(compgen -P "${cur%%=*}=" -W "true false" -- "${cur#*=}")) ;;
                    auth) COMPREPLY=($(compgen -P "auth=" -W "mschapv2 eap-mschapv2 pap eap-tls" -- "${cur#*=}")) ;;
                esac
            else compopt -o nospace 2>/dev/null; COMPREPLY=($(compgen -S = -W "$_sstp_keys" -- "$cur")); fi ;;
        helper)
            local hopts="--socket --state-dir --group --socket-mode --session-exe --no-cleanup -v -q -h --help"
            if [ "$prev" = helper ]; then COMPREPLY=($(compgen -W "install uninstall $hopts" -- "$cur"))
            elif [ "$prev" = --start ]; then COMPREPLY=($(compgen -W "auto demand" -- "$cur"))
            elif [[ " ${COMP_WORDS[*]} " == *" install "* ]]; then COMPREPLY=($(compgen -W "--start $hopts" -- "$cur"))
            elif [[ " ${COMP_WORDS[*]} " != *" uninstall "* ]]; then COMPREPLY=($(compgen -W "$hopts" -- "$cur")); fi ;;
        help) COMPREPLY=($(compgen -W "connect disconnect status run check import package cert cleanup list show set edit remove" -- "$cur")) ;;
    esac
}
complete -F _sstp sstp
