# Puts a supported Node.js first on PATH for this shell, fetching it from the npm registry when
# the machine's own is too old. Source it, don't run it:
#
#   source scripts/use-node.sh        # Node 24 LTS, unless the node on PATH is already 22.17+
#   source scripts/use-node.sh 22     # exactly Node 22 (CI tests both)
#
# Why: the project needs Node >= 22.17 (MikroORM 7, better-sqlite3 13). Machines that ship an
# older node (Debian's 20, say) get the official binary and its headers from the npm package
# node-linux-<arch>@<major>, kept outside the repository (ESCAPE_ROOM_NODE_HOME, default
# ~/.cache/escape-room-node). npm_config_nodedir then points native builds at those headers:
# without it, an npm configuration that names the system node's headers as `nodedir` builds
# native modules for the old node in silence, and the server fails with NODE_MODULE_VERSION.
# It also installs pnpm 10 when pnpm is missing (corepack cannot verify it on every machine).

# True when `node` on PATH is supported (>= 22.17) and, if a major is given, of that major.
_escape_room_node_ok() {
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); const want = Number(process.argv[1] || a);
    process.exit(a === want && (a > 22 || (a === 22 && b >= 17)) ? 0 : 1)' "${1:-}" 2>/dev/null
}

_escape_room_use_node() {
  local wanted="${1:-}" arch home dir prefix globalconfig
  # pnpm first, with the npm already on PATH: that is the machine's own, configured for its
  # registry and certificates (a fetched node's npm reads the machine's global npmrc only once
  # npm_config_globalconfig names it, below).
  if ! command -v pnpm >/dev/null 2>&1; then
    echo "use-node: installing pnpm 10" >&2
    npm install -g --no-audit --no-fund --loglevel=error pnpm@10 >&2 || return 1
  fi
  if _escape_room_node_ok "$wanted"; then
    # A supported node of its own: build native modules against its headers, whatever npm's config says.
    prefix="$(node -p 'require("path").resolve(process.execPath, "../..")')"
    [ -d "$prefix/include/node" ] && export npm_config_nodedir="$prefix"
  else
    case "$(uname -s)-$(uname -m)" in
      Linux-x86_64) arch=x64 ;;
      Linux-aarch64 | Linux-arm64) arch=arm64 ;;
      *)
        echo "use-node: install Node ${wanted:-24} yourself on $(uname -s) $(uname -m) (https://nodejs.org), then run this again" >&2
        return 1
        ;;
    esac
    home="${ESCAPE_ROOM_NODE_HOME:-$HOME/.cache/escape-room-node}/${wanted:-24}"
    dir="$home/node_modules/node-linux-$arch"
    # The machine's global npm configuration (its registry and certificates, e.g. a proxy's CA):
    # --prefix, and the fetched node's own npm, would each look for it under their own prefix.
    globalconfig="$(npm config get globalconfig)"
    if [ ! -x "$dir/bin/node" ]; then
      echo "use-node: fetching Node ${wanted:-24} (npm package node-linux-$arch@${wanted:-24}) into $home" >&2
      mkdir -p "$home"
      npm install --prefix "$home" --globalconfig "$globalconfig" \
        --no-save --no-audit --no-fund --loglevel=error "node-linux-$arch@${wanted:-24}" >&2 || return 1
    fi
    export PATH="$dir/bin:$PATH"
    export npm_config_nodedir="$dir"
    # So the fetched node's npm (tests install a packed SDK with it) reaches the registry as the machine's does.
    [ -f "$globalconfig" ] && export npm_config_globalconfig="$globalconfig"
    hash -r
  fi
  echo "use-node: Node $(node -p 'process.versions.node') at $(command -v node)" >&2
}

_escape_room_use_node "$@"
