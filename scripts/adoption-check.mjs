// The adoption check's HTTP half (scripts/adoption-check.sh starts the app): what a host that metered one
// route with the packed package must see. Usage: node scripts/adoption-check.mjs <base URL>; exits 1 on any failure.
const base = process.argv[2];
const PRICE = 1;
const ALLOWANCE = 3;
let failures = 0;

async function call(method, path, payer) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(payer ? { 'x-user': payer } : {}) },
    body: method === 'POST' ? '{}' : undefined,
  });
  const text = await response.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: response.status, headers: response.headers, body };
}

function check(description, actual, expected) {
  const ok = JSON.stringify(actual) === JSON.stringify(expected);
  if (!ok) failures += 1;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${description}${ok ? '' : `: got ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`}`);
}

const balanceOf = async (payer) => (await call('GET', '/tokens/balance', payer)).body.balance;

const integrity = await call('GET', '/admin/tokens/integrity', 'alice');
check('admin routes are absent without adminRoutes: GET /admin/tokens/integrity is 404', integrity.status, 404);

const anonymous = await call('POST', '/work/echo');
check('a metered route nobody pays for is 401 UNAUTHENTICATED', [anonymous.status, anonymous.body.code], [401, 'UNAUTHENTICATED']);

const first = await call('POST', '/work/echo', 'alice');
check(
  'a metered call is 201 with X-Tokens-Charged and X-Tokens-Remaining',
  [first.status, first.headers.get('x-tokens-charged'), first.headers.get('x-tokens-remaining')],
  [201, String(PRICE), String(ALLOWANCE - PRICE)],
);
check('GET /tokens/balance (served by the module) shows the charge', await balanceOf('alice'), ALLOWANCE - PRICE);

const failed = await call('POST', '/work/fail', 'alice');
check("a handler that throws answers the host's error (500)", failed.status, 500);
check('and is refunded: the balance is unchanged after the failing call', await balanceOf('alice'), ALLOWANCE - PRICE);
const ledger = (await call('GET', '/tokens/transactions?limit=2', 'alice')).body.items ?? [];
check(
  'the ledger (GET /tokens/transactions) shows the failing call charged, then refunded',
  ledger.map((entry) => [entry.type, entry.action, entry.amount]),
  [
    ['refund', 'work', PRICE],
    ['usage', 'work', -PRICE],
  ],
);

for (let spent = PRICE; spent < ALLOWANCE; spent += PRICE) {
  const paid = await call('POST', '/work/echo', 'alice');
  check(`a call the balance still pays for is 201 (spent ${spent + PRICE} of ${ALLOWANCE})`, paid.status, 201);
}
check('the balance is at zero', await balanceOf('alice'), 0);

const refused = await call('POST', '/work/echo', 'alice');
check(
  'at zero a metered call is 402 INSUFFICIENT_TOKENS with balance and required',
  [refused.status, refused.body.code, refused.body.balance, refused.body.required],
  [402, 'INSUFFICIENT_TOKENS', 0, PRICE],
);
check('and charges nothing', await balanceOf('alice'), 0);

console.log(failures === 0 ? 'adoption checks passed' : `${failures} adoption check(s) failed`);
process.exitCode = failures === 0 ? 0 : 1;
