#!/usr/bin/env bash
# Proof of adoption (`npm run adoption:check`, run by .ci/run): the packed packages installed into a
# fresh NestJS app outside the repository, as an adopter would (Express, its own TypeORM data source on
# SQLite, the package's migrations, the peers from the npm registry), one route metered in at most 15
# lines, compiled with tsc, started, and checked over HTTP by scripts/adoption-check.mjs.
set -euo pipefail

repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/adoption-check.XXXXXX")"
app="$work/app"
app_pid=""
MAX_METERING_LINES=15

cleanup() {
  if [ -n "$app_pid" ]; then kill "$app_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
fail() {
  echo "FAIL $*" >&2
  exit 1
}

case "$work/" in "$repo"/*) fail "the temporary folder $work is inside the repository; set TMPDIR elsewhere" ;; esac

step "pack @token-metering/database and @token-metering/tokens (their prepack builds them)"
mkdir -p "$work/tarballs" "$app/src"
(cd "$repo" && npm pack --silent -w packages/database -w packages/tokens --pack-destination "$work/tarballs")
database_tgz="$(ls "$work"/tarballs/token-metering-database-*.tgz)"
tokens_tgz="$(ls "$work"/tarballs/token-metering-tokens-*.tgz)"
ls -l "$work/tarballs"

step "write a fresh NestJS app in $app"
cat >"$app/package.json" <<EOF
{
  "name": "adoption-check-app",
  "private": true,
  "type": "module",
  "dependencies": {
    "@nestjs/common": "^12.0.0",
    "@nestjs/core": "^12.0.0",
    "@nestjs/event-emitter": "^12.0.0",
    "@nestjs/platform-express": "^12.0.0",
    "@nestjs/swagger": "^12.0.0",
    "@nestjs/typeorm": "^12.0.0",
    "@token-metering/database": "file:$database_tgz",
    "@token-metering/tokens": "file:$tokens_tgz",
    "better-sqlite3": "^12.0.0",
    "class-transformer": "^0.5.1",
    "class-validator": "^0.15.0",
    "reflect-metadata": "^0.2.2",
    "rxjs": "^7.8.0",
    "typeorm": "^1.1.0"
  },
  "devDependencies": {
    "@types/node": "^20.19.0",
    "typescript": "~6.0"
  },
  "allowScripts": { "better-sqlite3": true, "@scarf/scarf": false }
}
EOF

cat >"$app/tsconfig.json" <<'EOF'
{
  "compilerOptions": {
    "module": "nodenext",
    "moduleResolution": "nodenext",
    "target": "ES2022",
    "strict": true,
    "experimentalDecorators": true,
    "emitDecoratorMetadata": true,
    "rootDir": "src",
    "outDir": "dist",
    "types": ["node"]
  },
  "include": ["src/**/*.ts"]
}
EOF

cat >"$app/src/main.ts" <<'EOF'
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

const app = await NestFactory.create(AppModule, { logger: ['error', 'warn'] });
await app.listen(0, '127.0.0.1');
console.log(`listening on ${await app.getUrl()}`);
EOF

cat >"$app/src/app.module.ts" <<'EOF'
import { Controller, Module, Post } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccountPolicy, TokenPrice, TokensModule, tokenEntities, tokenMigrations } from '@token-metering/tokens';

// #region meter
class ThreeTokensAMonth extends AccountPolicy {
  nextPeriodEnd = (start: Date) => new Date(start.getTime() + 30 * 24 * 3600 * 1000);
  openingTerms = async () => ({ allowance: 3, periodEnd: this.nextPeriodEnd(new Date()), tier: 'free' });
  periodTerms = async () => ({ grant: 3, rolloverCap: 0, tier: 'free' });
  periodRolled = async () => undefined;
  priceTierOf = async () => null;
  tierExists = async () => false;
  payerExists = async () => true;
  summary = async () => ({ tier: 'free', periodAllowance: 3, periodStart: new Date(), periodEnd: this.nextPeriodEnd(new Date()) });
}
const metering = TokensModule.forRoot({ accountPolicy: ThreeTokensAMonth, payerOf: (request) => request.headers['x-user'] as string });
// #endregion

@Controller('work')
@TokenPrice('work', 1)
class WorkController {
  @Post('echo')
  echo() {
    return { done: true };
  }

  @Post('fail')
  fail() {
    throw new Error('the work failed');
  }
}

@Module({
  imports: [
    TypeOrmModule.forRoot({
      type: 'better-sqlite3',
      database: 'app.sqlite',
      entities: tokenEntities(false),
      migrations: tokenMigrations,
      migrationsRun: true,
    }),
    metering,
  ],
  controllers: [WorkController],
})
export class AppModule {}
EOF

metering_lines=$(($(sed -n '/#region meter/,/#endregion/p' "$app/src/app.module.ts" | grep -cv -e '#region' -e '#endregion' -e '^\s*$') + $(grep -c '@TokenPrice(' "$app/src/app.module.ts")))
echo "metering code in the host: $metering_lines lines (policy, TokensModule.forRoot, @TokenPrice; at most $MAX_METERING_LINES)"
[ "$metering_lines" -le "$MAX_METERING_LINES" ] || fail "metering takes $metering_lines lines, more than $MAX_METERING_LINES"

step "npm install (the two tarballs, the peers from the registry)"
(cd "$app" && npm install --no-audit --no-fund)
for name in database tokens; do
  installed="$(cd "$app/node_modules/@token-metering/$name" && pwd -P)"
  case "$installed/" in "$repo"/*) fail "@token-metering/$name resolves into the repository ($installed)" ;; esac
  [ ! -e "$installed/src" ] || fail "@token-metering/$name was installed with its sources: not the packed tarball"
done
echo "installed from the tarballs: $(cd "$app" && npm ls --depth=0 --parseable --long @token-metering/database @token-metering/tokens | cut -d: -f2 | tr '\n' ' ')"

step "compile with tsc"
(cd "$app" && npx tsc -p tsconfig.json)

step "start the app"
(cd "$app" && exec node dist/main.js) >"$work/app.log" 2>&1 &
app_pid=$!
url=""
for _ in $(seq 1 60); do
  url="$(sed -n 's/^listening on //p' "$work/app.log")"
  [ -n "$url" ] && break
  kill -0 "$app_pid" 2>/dev/null || break
  sleep 0.5
done
[ -n "$url" ] || { cat "$work/app.log" >&2; fail "the app did not start"; }
echo "listening on $url"

step "check it over HTTP"
node "$repo/scripts/adoption-check.mjs" "$url" || { cat "$work/app.log" >&2; fail "the adopting app does not behave"; }
