// Generated from the service's OpenAPI document by `npm run console:types`. Do not edit.
export interface paths {
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Prometheus metrics: token charges, refusals, refunds, charge duration, process metrics
         * @description Needs `Authorization: Bearer <METRICS_TOKEN>` when METRICS_TOKEN is set (and then only that), otherwise an admin's credentials.
         */
        get: operations["MetricsController_index"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Create an account on the free plan, with its tokens
         * @description Public. The email is stored in its normal form (Unicode NFKC, trimmed, lower case: `  Ada@Example.COM ` and its fullwidth form are `ada@example.com`); an address that differs in any other way, accents included, is another address. One already registered is 409 EMAIL_TAKEN. The user, the free plan's subscription and its tokens are created in one transaction, and the answer carries an access token, so no login is needed. Sign-ups are rate limited per client address (429 TOO_MANY_REQUESTS with `Retry-After`).
         */
        post: operations["AuthController_register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Exchange email and password for a bearer token
         * @description The email is compared in its normal form (Unicode NFKC, trimmed, lower case), otherwise exactly. Failed logins per client address (THROTTLE_LOGIN_FAILURES_PER_ADDRESS in any 15 minutes) are counted before the password is checked: each attempt holds a slot during its check and a successful one gives it back, so at most that many password checks from one address are in flight or failed, while successful logins behind one address never use the limit up. Wrong passwords count per account and client address (THROTTLE_LOGIN_FAILURES per 15 minutes): failures from one address never lock the owner out at another; and per account across all addresses (THROTTLE_LOGIN_FAILURES_PER_ACCOUNT_ALL). While limited, even the right password is refused with 429. An account also takes at most THROTTLE_LOGIN_FAILURES attempts a second.
         */
        post: operations["AuthController_login"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * End the presented access token (other sessions stay)
         * @description Needs an access token; an API key gets 403. The token is refused (401) from the next request on; the user's other sessions and API keys keep working. Send no body.
         */
        post: operations["AuthController_logout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller, with plan and balance
         * @description Works with an access token or an API key, at any balance (never metered). For the balance split into allowance and credits and the billing period, see GET /tokens/balance.
         */
        get: operations["UsersController_me"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/users/me/password": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Change the password; every access token of the user stops working (API keys stay)
         * @description A wrong `currentPassword` is 401 and counts as a failed login of the account.
         */
        post: operations["UsersController_changePassword"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api-keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's live API keys
         * @description Needs an access token (an API key gets 403). Keys that were not revoked, newest first, without the secret key itself: `prefix` tells them apart.
         */
        get: operations["ApiKeysController_list"];
        put?: never;
        /**
         * Create an API key; the key is shown only in this answer
         * @description Needs an access token; an API key gets 403, so a leaked key cannot mint others. Only a hash of the key is stored: keep `key` from this answer, later lists show only its `prefix`. Send the key as `X-API-Key` or as the bearer token.
         */
        post: operations["ApiKeysController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api-keys/{id}/limit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set or remove an API key's spending limit
         * @description Needs an access token (an API key gets 403). `{ tokens, period }` sets the limit: a charge through the key that would pass it in its period (a UTC day, a calendar month UTC, or all time) is refused with 402 KEY_LIMIT_REACHED; JSON `null` removes it. Changing a limit keeps what the key spent in the current period. 404 when the caller has no live key with this id.
         */
        put: operations["ApiKeysController_setLimit"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api-keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /**
         * Revoke an API key; it stops working at once
         * @description Needs an access token (an API key gets 403). 404 when the caller has no live key with this id (unknown, someone else's, or already revoked), so a repeat is 404 and changes nothing.
         */
        delete: operations["ApiKeysController_revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Find users by the start of their email, newest first
         * @description Pages of at most `limit` users (default 20); pass `nextCursor` as `cursor`, with the same `email`, for the next page (null on the last). `email` is normalized like addresses (NFKC, trimmed, lower case) and matches the start of the stored address; `%`, `_` and `\` match themselves.
         */
        get: operations["AdminUsersController_search"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/users/{userId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One user, with subscription and balance
         * @description The subscription as GET /subscriptions/me answers it and the balance as GET /tokens/balance does, for the user.
         */
        get: operations["AdminUsersController_profile"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/users/{userId}/subscription": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Change a user's plan
         * @description An upgrade adds at once what the new plan's monthly tokens exceed the highest allowance already granted this period; a downgrade takes nothing back.
         */
        put: operations["AdminUsersController_changePlan"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/plans": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The plan catalog
         * @description Public, no credentials needed. Each plan with its monthly tokens and the `rolloverCap` of the allowance kept when a period ends. Plans are changed by an admin (PUT /admin/users/{userId}/subscription).
         */
        get: operations["SubscriptionsController_plans"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/subscriptions/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's subscription
         * @description Works with an access token or an API key, at any balance. The plan and the current billing period (`periodStart`, `periodEnd`); the period rolls over at its end, granting the plan's monthly tokens again.
         */
        get: operations["SubscriptionsController_mine"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tokens/balance": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's balance and period; works at balance 0
         * @description Never metered, with an access token or an API key. `balance` is `allowance` (the plan's tokens of the period, of which what exceeds the plan's rollover cap expires at the period's end) plus `credits` (purchases and admin grants, which never expire).
         */
        get: operations["TokensController_balance"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tokens/usage": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's net spend per UTC day, per action or per AI model
         * @description Never metered, with an access token or an API key. Net tokens spent (what `usage` entries took minus what `refund` entries gave back; a completion's `hold` and `hold_release` cancel out and its settled `usage` counts) and charged requests (usage entries minus refunds), per UTC day from `from` to `to` (both included; default the last 30 days, at most 366) and per key: the action, or with `groupBy=model` the AI model (entries without a model under their action). Every series has a point for every day, zeros included.
         */
        get: operations["TokensController_usageReport"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tokens/transactions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's ledger, newest first
         * @description Never metered. Pages of at most `limit` entries; pass `nextCursor` as `cursor` for the next page (null on the last). Filter by entry `type` or by metered `action`. Entries are never changed: a refund is a new entry.
         */
        get: operations["TokensController_transactions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/tokens/costs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Effective price list for the caller
         * @description Never metered. Every metered action with the price this caller pays now (`cost`), the endpoint's own `defaultCost`, and which override sets it (`overriddenBy`: user, plan, global, or null). A price change applies from the next request on.
         */
        get: operations["TokensController_costs"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/users/{userId}/tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A user's balance, period and latest ledger entries
         * @description Admin only. The balance with its allowance and credits, the current period, and the latest 20 ledger entries; 404 for an unknown user. Read-only.
         */
        get: operations["AdminTokensController_account"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/users/{userId}/tokens/transactions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * A user's whole ledger, newest first, a page at a time
         * @description Admin only. As GET /tokens/transactions answers the user (pages of at most `limit` entries, `nextCursor` as `cursor` for the next, filters by `type` and `action`), with the admin who made each entry; 404 for an unknown user. Read-only.
         */
        get: operations["AdminTokensController_transactions"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/users/{userId}/tokens/grant": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Add tokens to a user; the entry records the admin and the reason
         * @description Admin only. Adds `amount` (1 to 1,000,000,000) to the user's credits with an `admin_grant` entry that records the admin and the reason. Without `expiresAt` they never expire. With `expiresAt` it is a promotional grant (its id is the entry's `metadata.grantId`): spent after the period allowance and before other credits, by `priority` (1 first, default 50), then the soonest to expire, then the oldest; what is left of it at `expiresAt` is removed by a `grant_expiry` entry, and from then on it is never spent. Send `Idempotency-Key` so a retry never grants twice.
         */
        post: operations["AdminTokensController_grant"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/users/{userId}/tokens/deduct": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Remove tokens from a user; refused with 402 (changing nothing) when the balance is short
         * @description Admin only. Takes `amount` from the allowance first, then from credits, with an `admin_deduct` entry that records the admin and the reason. Send `Idempotency-Key` so a retry never deducts twice; a refused deduct leaves the key unused.
         */
        post: operations["AdminTokensController_deduct"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/costs": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every price override
         * @description Admin only. Global, plan and user overrides with who set them and when; actions without an override cost their endpoint's default. Read-only.
         */
        get: operations["AdminPricesController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/costs/{action}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Set the price of a metered action: for everyone, for a plan (planCode) or for a user (userId)
         * @description The most specific override wins (user > plan > global > the default). It applies from the next request on, on every instance.
         */
        put: operations["AdminPricesController_set"];
        post?: never;
        /**
         * Remove an override (global without query parameters); the next request pays the next most specific price
         * @description Admin only. Pass the same `planCode` or `userId` as when the override was set; 404 for an unknown action or when there is no such override, so a repeat is 404 and changes nothing.
         */
        delete: operations["AdminPricesController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/tokens/integrity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Check the ledger invariants over every account
         * @description balance == SUM(ledger), balance >= 0, every payer the account policy would open an account for has one, every balance_after continues the row before, and every account agrees with its last row. `ok` is true only when every list is empty. Read-only; takes no locks.
         */
        get: operations["AdminIntegrityController_report"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's balance alerts and their last deliveries
         * @description The setting without its signing secret, and the last 20 events sent to the webhook (newest first) with their delivery status.
         */
        get: operations["AlertsController_get"];
        /**
         * Set balance alerts: thresholds and the webhook that receives them
         * @description Replaces the caller's setting. Each threshold (`tokens`, or `percentOfAllowance` of the plan's period allowance; at most 10) fires one `balance.below_threshold` event each time the balance goes from at or above it to below it. Events are posted to `webhookUrl` as `{ id, type, createdAt, data }` with `X-Signature`, the hex HMAC-SHA256 of the raw body keyed with `signingSecret`: a new secret at each PUT, shown only in this answer. Delivered at least once (de-duplicate by `id`), in order, retried with backoff for 24 hours.
         */
        put: operations["AlertsController_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The models the completions can use, with their prices
         * @description OpenAI's model list (what `client.models.list()` of an OpenAI SDK reads, with an API key as the bearer token), with each model's price in this service's tokens per 1,000 prompt and completion tokens and its output limit. A completion costs `ceil((promptTokens * inputPer1k + completionTokens * outputPer1k) / 1000)`. Lists the priced models this instance can serve: the built-in `local` model always, the others only when the upstream that serves them is configured. Never metered; a price change shows from the next request on. Errors have OpenAI's shape `{ error: { message, type, code } }` beside the usual fields.
         */
        get: operations["ModelsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/models/{model}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * One model the completions can use, with its prices
         * @description OpenAI's model object (what `client.models.retrieve(id)` of an OpenAI SDK reads), exactly as GET /v1/models lists it. A model that is not in the list (no such model, or one this instance cannot serve) is 404 NOT_FOUND in OpenAI's error shape.
         */
        get: operations["ModelsController_retrieve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/models": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Every model of the AI completions, with its prices and its upstream
         * @description Admin only. Every row of the model table, with the upstream that serves it (`upstream`), also those this instance cannot serve now (`served: false`: their upstream is not configured here), which GET /v1/models leaves out. Read-only. The upstreams are named here only: GET /v1/models does not show them.
         */
        get: operations["AdminModelsController_list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/admin/models/{model}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        /**
         * Add a model, or change its prices, output limit and upstream
         * @description Admin only. Prices are this service's tokens per 1,000 prompt (`inputPer1k`) and completion (`outputPer1k`) tokens; `maxOutputTokens` caps (and is the default of) the output limit of a request, and with it what a request holds. Takes effect on the next request, on every instance; requests already running keep the price they held at. The model id is sent to its upstream as it is, so it must be a name that upstream knows (or `local`). `upstream` (optional) picks the upstream: a name of LLM_UPSTREAMS, `default` (LLM_BASE_URL), or `local` for the built-in model; omitted, the model keeps the one it has (a new model gets `default`). The next request goes there. A name this instance has not configured is 400, listing the configured ones, and changes nothing.
         */
        put: operations["AdminModelsController_set"];
        post?: never;
        /**
         * Remove a model
         * @description Admin only. From the next request on, completions for it are 404 and GET /v1/models leaves it out; requests already running settle at the price they held at. 404 when there is no such model, so a repeat changes nothing.
         */
        delete: operations["AdminModelsController_remove"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/chat/completions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * An OpenAI-compatible chat completion, metered by its actual usage
         * @description OpenAI's Chat Completions API: an OpenAI SDK works with `baseURL` = this service's `/v1` and an API key as `apiKey`. Every parameter of OpenAI's API is accepted: content parts, `tool` messages, `tools`, `tool_choice`, `response_format`, `stop`, `seed`, `n`... What the metering needs is validated (model, messages, output limits, `n` up to 128, stream options); everything else is passed to the model's server unchanged, and its own refusal of the request (400, 404, 409, 413, 422) comes back with its status, message and param. Before the model is called, the request holds the most it can cost (its estimated prompt tokens, tool definitions included, and its output limit times `n`, at the model's prices, see GET /v1/models). With an explicit `max_tokens` / `max_completion_tokens`, a balance short of that is 402 and the model is not called; without one, the limit (the model's maxOutputTokens) is lowered to what the balance affords, down to MIN_OUTPUT_TOKENS (default 16) per choice, below which it is 402. The limit in effect is in the header `X-Tokens-Output-Limit`. After the answer, the hold is given back and the actual price charged: `ceil((promptTokens * inputPer1k + completionTokens * outputPer1k) / 1000)`, whatever the model reports: above the hold, what the balance covers is taken and the rest is owed (`owed` on GET /tokens/balance) (headers `X-Tokens-Charged`, `X-Tokens-Remaining`). With `stream: true` the answer is server-sent events: the model's chunks as it sent them (tool call deltas and every choice included), then a last chunk before `[DONE]` with `tokens: { charged, remaining }` (and `usage` when `stream_options.include_usage` is true). A stream that breaks or a client that disconnects after output began is charged for the output so far; a client that disconnects before any output, once the model's server took the request, is charged the prompt (`reason: client_aborted`); a model failure before any output is 502 UPSTREAM_FAILED and charges nothing. A running request keeps its hold however long it runs. Errors have OpenAI's shape `{ error: { message, type, param, code } }`. A user has at most LLM_MAX_CONCURRENT_PER_USER (default 8) completions in flight per app instance, counted from before the hold until the answer or the stream ended: the next is 429 TOO_MANY_REQUESTS with `Retry-After`, holds nothing and does not call the model. A prompt of any size the body limit allows is estimated in slices between which the service keeps answering other requests.
         */
        post: operations["ChatCompletionsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/embeddings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * OpenAI-compatible embeddings, charged by their input tokens
         * @description OpenAI's Embeddings API (`client.embeddings.create` of an OpenAI SDK with `baseURL` = this service's `/v1`). The input is known, so it is charged before the work like a fixed-price call (ledger action `ai_embedding`, metadata `model` and `promptTokens`): `ceil(promptTokens * inputPer1k / 1000)` at the model's price (GET /v1/models), the prompt tokens counted with this service's tokenizer (a token-id input counts its length) and reported as `usage`. A balance short of that is 402 and nothing runs; a failure of the model refunds the charge (502 UPSTREAM_FAILED, or the upstream's own 4xx status when it refused the request). The built-in `local` model answers deterministic vectors (the same input, the same vector; 256 dimensions unless `dimensions` says otherwise; at most 2^19 numbers per answer). Errors have OpenAI's shape `{ error: { message, type, param, code } }` beside the usual fields.
         */
        post: operations["EmbeddingsController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/v1/responses": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * OpenAI's Responses API, served by a chat completion and metered like one
         * @description OpenAI's Responses API (`client.responses` of the openai SDK, the Vercel AI SDK's default model, LangChain's `useResponsesApi`), answered by mapping the request onto a chat completion of POST /v1/chat/completions, whatever the model: the same hold of the most it can cost, clamp of the output limit to the balance (`X-Tokens-Output-Limit`), settlement to the actual price `ceil((promptTokens * inputPer1k + completionTokens * outputPer1k) / 1000)`, ledger entries (`hold`, `hold_release`, `usage`), Idempotency-Key replays and per-user limit of completions in flight. Not streamed, the answer carries `X-Tokens-Charged` and `X-Tokens-Remaining`. With `stream: true` it is OpenAI's server-sent events (`response.created` ... `response.completed`), which have no place for the charge: read it from GET /tokens/transactions (the `usage` entry whose `requestId` is the stream's `X-Request-Id`). Function tools, `tool_choice` and `text.format` (JSON schema) map onto their chat equivalents; `previous_response_id`, `conversation`, `prompt` and `background` are 400 (nothing is stored); other parameters without a chat equivalent are ignored. A bad parameter is 400 in OpenAI's error shape with `param` naming it.
         */
        post: operations["ResponsesController_create"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/chat": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Reply to a chat message
         * @description Metered: 1 token, charged before the work runs; 402 INSUFFICIENT_TOKENS when the balance is short (the work does not run), and a refund entry when the work fails. Send `Idempotency-Key` to retry without paying twice.
         */
        post: operations["ServicesController_chat"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/calls": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Queue an outbound phone call
         * @description Metered: 1 token per call, charged before the call is queued; the answer has `status: queued`, not the outcome of the call. 402 INSUFFICIENT_TOKENS when the balance is short; refunded when queuing fails. Send `Idempotency-Key` so a retry does not place a second call.
         */
        post: operations["ServicesController_placeCall"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/business-collector": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Collect business leads matching a query
         * @description Metered by size: 20 tokens per started 100 leads of `count` (250 leads cost 60), charged before the work runs. 402 INSUFFICIENT_TOKENS when the balance is short; refunded when the work fails. Send `Idempotency-Key` to retry without paying twice.
         */
        post: operations["ServicesController_collectBusinesses"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/social-posts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Draft one social media post per platform
         * @description Metered: 10 tokens per request, whatever the number of platforms; each post fits its platform's length limit. 402 INSUFFICIENT_TOKENS when the balance is short; refunded when the work fails. Send `Idempotency-Key` to retry without paying twice.
         */
        post: operations["ServicesController_draftSocialPosts"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/seo-title": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Generate an SEO title of at most 60 characters
         * @description Metered: 300 tokens, charged before the work runs. 402 INSUFFICIENT_TOKENS when the balance is short; refunded when the work fails. Send `Idempotency-Key` to retry without paying twice.
         */
        post: operations["ServicesController_seoTitle"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/meta-description": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Generate a meta description of at most 155 characters
         * @description Metered: 400 tokens, charged before the work runs; the description is cut at a word boundary. 402 INSUFFICIENT_TOKENS when the balance is short; refunded when the work fails. Send `Idempotency-Key` to retry without paying twice.
         */
        post: operations["ServicesController_metaDescription"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/rewrite": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Rewrite a text
         * @description Metered by length: 500 tokens per started 1,000 characters of `text`, at most 2,000 tokens (from 3,001 characters on), charged before the work runs. 402 INSUFFICIENT_TOKENS when the balance is short; refunded when the work fails. Send `Idempotency-Key` to retry without paying twice.
         */
        post: operations["ServicesController_rewrite"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/write-more": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Continue a text with one more paragraph
         * @description Metered: 1500 tokens, charged before the work runs. 402 INSUFFICIENT_TOKENS when the balance is short; refunded when the work fails. Send `Idempotency-Key` to retry without paying twice.
         */
        post: operations["ServicesController_writeMore"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/services/find-image": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Find an image for a query
         * @description Metered: 100 tokens, charged before the work runs. 402 INSUFFICIENT_TOKENS when the balance is short; refunded when the work fails. Send `Idempotency-Key` to retry without paying twice.
         */
        post: operations["ServicesController_findImage"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/billing/packages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Token packages for sale, smallest first
         * @description Public, no credentials needed, and listed even when no payment provider is configured (checkout then answers 503). Buy one with POST /billing/checkout and its `code`.
         */
        get: operations["BillingController_packages"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/billing/checkout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Start buying a package
         * @description Creates a pending purchase and starts its payment with the configured provider (PAYMENT_PROVIDER); the tokens are credited when the provider reports the payment to its webhook. Stripe: send the buyer to `redirectUrl` (Stripe Checkout). Local (demo, outside production): post `completion` yourself.
         */
        post: operations["BillingController_checkout"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/billing/webhooks/payment": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Payment events of the local provider (PAYMENT_PROVIDER=local)
         * @description Only with PAYMENT_PROVIDER=local (the demo provider, refused in production): with any other provider, or none, it answers 404 NOT_FOUND to everything and credits nothing, since these events carry no amount to check. Called by the payment provider. `payment.succeeded` moves a pending or failed purchase to paid and credits its tokens; `payment.failed` moves a pending one to failed. Each event id is processed once (a repeat answers `duplicate`), and a purchase is credited exactly once whatever events arrive, in any order. An event that changes nothing (a success for a paid purchase, a failure for a paid or failed one) is recorded as `ignored`; one for an unknown purchase is recorded and answered `unknown_purchase`, so the provider stops retrying. Properties the event does not need are ignored.
         */
        post: operations["BillingController_paymentWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/billing/webhooks/stripe": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Stripe events (PAYMENT_PROVIDER=stripe)
         * @description Called by Stripe; verified with the `Stripe-Signature` header over the raw body and STRIPE_WEBHOOK_SECRET. Checkout Sessions: the purchase is the session's `metadata.purchaseId` (else `client_reference_id`), and the session must be the one created for it at checkout (its `providerReference`). `checkout.session.completed` and `checkout.session.async_payment_succeeded` credit the purchase only when `payment_status` is `paid` and `amount_total` and `currency` equal its price (a completed but `unpaid` session answers `awaiting_payment`: a delayed payment reports later); `checkout.session.async_payment_failed` and `checkout.session.expired` fail a pending one. A session that does not match (another session, not paid, e.g. `no_payment_required`, another amount or currency) changes nothing and answers `mismatch` (logged as an error, counted in `payment_events_total`). Refunds and disputes find the purchase through the payment intent its session paid with: `charge.refunded` takes back ceil(tokens * amount_refunded / amount) in total (cumulative, so an older refund event takes nothing more; `reversed`, status `partially_refunded` or `refunded`); `charge.dispute.created` takes back every token not taken yet (status `disputed`); `charge.dispute.closed` with `won` (or `warning_closed`) gives back what the dispute took (`reinstated`), with `lost` changes nothing more. Tokens are taken from credits, then the allowance, never below 0; what was already spent becomes `owed`. A refund of another amount or currency than the purchase is a `mismatch`; one for a payment intent of no purchase is `unknown_purchase`. Each event id is applied once (a repeat answers `duplicate`), each purchase credited once and its tokens taken back at most once, whatever the order or concurrency of events. Other event types are recorded and answered `ignored`. Answers 404 when the server does not use Stripe.
         */
        post: operations["BillingController_stripeWebhook"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/billing/purchases": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's purchases, newest first
         * @description Works with an access token or an API key, at any balance. Each purchase with its `status` (`pending`, `paid`, `failed`, `partially_refunded`, `refunded`, `disputed`) and `tokensReversed`; a credited one names the `purchase` ledger entry that credited it. `limit` caps the list.
         */
        get: operations["BillingController_purchases"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/billing/auto-top-up": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * The caller's automatic top-up
         * @description The setting (nulls until set), what automatic top-ups spent this calendar month (UTC, in flight included), the last attempt and whether a card is saved.
         */
        get: operations["AutoTopUpController_get"];
        /**
         * Set up automatic top-up
         * @description When a debit leaves the balance below `thresholdTokens`, the card saved by a checkout made with `saveCard: true` is charged off-session (a Stripe PaymentIntent) for `packageCode`, credited when Stripe reports the payment, like any purchase. At most one attempt is in flight per account, and automatic top-ups never spend more than `monthlyLimitCents` in a calendar month (UTC). A failed payment disables automatic top-up and sends the `auto_top_up.failed` event. Changing the setting keeps the attempt in flight and the month's spend.
         */
        put: operations["AutoTopUpController_put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * 200 when the database answers and is ready, 503 otherwise (as /health/ready)
         * @description Public and never metered. The database must answer within 1.5 s; when it is a Galera node (`wsrep_on` ON and a `wsrep_local_state`), the node must be Synced (`wsrep_local_state` 4): a node that is joining or a donor is not ready. SQLite, MySQL and a MariaDB without Galera are ready when they answer. 200 carries the checks' report; 503 is the API's usual error body (`SERVICE_UNAVAILABLE`) with the report in `checks`.
         */
        get: operations["HealthController_check"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Readiness, for load balancers: 200 when this instance may get traffic, 503 otherwise
         * @description Public and never metered. The database must answer within 1.5 s; when it is a Galera node (`wsrep_on` ON and a `wsrep_local_state`), the node must be Synced (`wsrep_local_state` 4): a node that is joining or a donor is not ready. SQLite, MySQL and a MariaDB without Galera are ready when they answer. 200 carries the checks' report; 503 is the API's usual error body (`SERVICE_UNAVAILABLE`) with the report in `checks`.
         */
        get: operations["HealthController_ready"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health/live": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Liveness: 200 while the process runs
         * @description Public and never metered, for orchestrators: answers 200 whenever the process can serve HTTP, touching no database, so a database that is away or a Galera node that is joining never gets the instance restarted. Use /health/ready to route traffic.
         */
        get: operations["HealthController_live"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        FieldErrorDto: {
            /**
             * @description The field, dotted for nested ones (`request` when no field can be named)
             * @example text
             */
            field: string;
            /**
             * @example [
             *       "text must be a string"
             *     ]
             */
            errors: string[];
        };
        ErrorBodyDto: {
            /** @example 402 */
            statusCode: number;
            /**
             * @example INSUFFICIENT_TOKENS
             * @enum {string}
             */
            code: "VALIDATION_FAILED" | "UNAUTHENTICATED" | "INSUFFICIENT_TOKENS" | "NO_ACTIVE_SUBSCRIPTION" | "KEY_LIMIT_REACHED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "EMAIL_TAKEN" | "IDEMPOTENCY_IN_PROGRESS" | "IDEMPOTENCY_KEY_REUSED" | "IDEMPOTENCY_ANSWER_UNAVAILABLE" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "TOO_MANY_REQUESTS" | "RATE_LIMITS_UNAVAILABLE" | "LEDGER_UNAVAILABLE" | "SERVICE_UNAVAILABLE" | "SERVICE_FAILED" | "UPSTREAM_FAILED" | "PAYMENTS_UNAVAILABLE" | "NO_PAYMENT_METHOD" | "INTERNAL_ERROR";
            /** @example Insufficient tokens: this request costs 300, the balance is 12 */
            message: string;
            /**
             * @description Bad fields, on VALIDATION_FAILED
             * @example [
             *       {
             *         "field": "text",
             *         "errors": [
             *           "text must be a string"
             *         ]
             *       }
             *     ]
             */
            details?: components["schemas"]["FieldErrorDto"][];
            /** @description Current balance, on INSUFFICIENT_TOKENS */
            balance?: number;
            /** @description Tokens the request needs, on INSUFFICIENT_TOKENS and KEY_LIMIT_REACHED */
            required?: number;
            /** @description The API key's spending limit, on KEY_LIMIT_REACHED */
            limit?: number;
            /** @description What the API key spent in the limit's current period, on KEY_LIMIT_REACHED */
            spent?: number;
            /** @description When the limit's period ends (null for a limit of all time), on KEY_LIMIT_REACHED */
            resetsAt?: string | null;
            /** @description Request id, also in the X-Request-Id header */
            requestId?: string;
        };
        RegisterDto: {
            /**
             * @description Stored and compared in one normal form: Unicode NFKC, trimmed, lower case. Any other difference (accents included) makes another address.
             * @example ada@example.com
             */
            email: string;
            /** @example correct horse battery */
            password: string;
            /** @example Ada Lovelace */
            name?: string;
        };
        UserDto: {
            /** @example 4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10 */
            id: string;
            /** @example ada@example.com */
            email: string;
            /** @example Ada Lovelace */
            name: string | null;
            /**
             * @example user
             * @enum {string}
             */
            role: "user" | "admin";
        };
        RegisteredDto: {
            user: components["schemas"]["UserDto"];
            /** @example eyJhbGciOiJIUzI1NiIs... */
            accessToken: string;
        };
        LoginDto: {
            /**
             * @description Stored and compared in one normal form: Unicode NFKC, trimmed, lower case. Any other difference (accents included) makes another address.
             * @example ada@example.com
             */
            email: string;
            /** @example correct horse battery */
            password: string;
        };
        AccessTokenDto: {
            /** @example eyJhbGciOiJIUzI1NiIs... */
            accessToken: string;
            /** @example Bearer */
            tokenType: string;
            /**
             * @description Seconds until the token expires
             * @example 3600
             */
            expiresIn: number;
        };
        MeDto: {
            /** @example 4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10 */
            id: string;
            /** @example ada@example.com */
            email: string;
            /** @example Ada Lovelace */
            name: string | null;
            /**
             * @example user
             * @enum {string}
             */
            role: "user" | "admin";
            /** @example free */
            plan: string;
            /** @example 100 */
            balance: number;
        };
        ChangePasswordDto: {
            /** @example correct horse battery */
            currentPassword: string;
            /** @example staple battery horse correct */
            newPassword: string;
        };
        CreateApiKeyDto: {
            /** @example production server */
            name: string;
        };
        CreatedApiKeyDto: {
            id: string;
            name: string;
            /**
             * @description The key itself: shown only in this answer
             * @example tk_Xa81bQ...
             */
            key: string;
            prefix: string;
            createdAt: string;
        };
        KeyLimitDto: {
            /**
             * @description Most tokens the key may spend in a period
             * @example 5000
             */
            tokens: number;
            /**
             * @description A UTC day, a calendar month (UTC), or all time
             * @example day
             * @enum {string}
             */
            period: "day" | "month" | "total";
        };
        ApiKeyDto: {
            /** @example 9b2d4c1e-0a3f-4d5e-8f7a-6b5c4d3e2f1a */
            id: string;
            /** @example production server */
            name: string;
            /**
             * @description First characters of the key, to recognise it
             * @example tk_Xa81bQ
             */
            prefix: string;
            /** @example 2026-11-21T10:00:00.000Z */
            createdAt: string;
            /** @example null */
            lastUsedAt: string | null;
            /** @description The key's spending limit; null when it has none */
            limit: components["schemas"]["KeyLimitDto"] | null;
            /**
             * @description Tokens spent through the key in its limit's current period (usage minus refunds, open holds included); 0 without a limit
             * @example 120
             */
            spent: number;
        };
        AdminUserSummaryDto: {
            /** @example 4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10 */
            id: string;
            /** @example ada@example.com */
            email: string;
            /** @example Ada */
            name: string | null;
            /**
             * @example user
             * @enum {string}
             */
            role: "user" | "admin";
            /**
             * @description The subscription's plan code; null without a subscription
             * @example pro
             */
            plan: string | null;
            /**
             * @description What the user's token account holds now (an ended period is rolled at the user's next request); null before the account is opened
             * @example 182500
             */
            balance: number | null;
            /** @example 2026-11-21T10:00:00.000Z */
            createdAt: string;
        };
        AdminUsersPageDto: {
            /** @description Newest first */
            items: components["schemas"]["AdminUserSummaryDto"][];
            /**
             * @description Pass as `cursor` for the next page (with the same `email`); null on the last page
             * @example MjAyNi0xMS0yMSAxMDowMDowMC4wMDB8NGY3YzJhNGUtNmE3ZS00ZDdiLTlkMWEtMGY2ZDNjMWMyYjEw
             */
            nextCursor: string | null;
        };
        PlanDto: {
            /** @example pro */
            code: string;
            /** @example Pro */
            name: string;
            /**
             * @description Tokens granted each monthly period
             * @example 200000
             */
            monthlyTokens: number;
            /** @example 9900 */
            priceCents: number;
            /**
             * @description Most unused tokens carried into the next period
             * @example 200000
             */
            rolloverCap: number;
            /**
             * @description A low-balance event fires when a charge takes the balance below this
             * @example 20000
             */
            lowBalanceThreshold: number;
        };
        SubscriptionDto: {
            /** @example 4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10 */
            userId: string;
            plan: components["schemas"]["PlanDto"];
            /**
             * @description Tokens per period from the plan
             * @example 200000
             */
            tokensLimit: number;
            /**
             * @example active
             * @enum {string}
             */
            status: "active" | "canceled";
            /** @example 2026-11-01T00:00:00.000Z */
            periodStart: string;
            /** @example 2026-12-01T00:00:00.000Z */
            periodEnd: string;
        };
        PromotionalGrantDto: {
            /**
             * @description The grant's id (`metadata.grantId` of its entries)
             * @example 3c6f2b7e-0a59-4d1c-9b8e-2f1a7c5d9e04
             */
            id: string;
            /**
             * @description Tokens granted
             * @example 5000
             */
            amount: number;
            /**
             * @description What is left of it (0 when spent); part of `credits`
             * @example 3200
             */
            remaining: number;
            /**
             * @description 1 is spent first
             * @example 50
             */
            priority: number;
            /**
             * @description When what is left of it is removed (a `grant_expiry` entry)
             * @example 2027-01-31T23:59:59.000Z
             */
            expiresAt: string;
            /** @example Launch promotion */
            reason: string;
        };
        BalanceDto: {
            /**
             * @description allowance + credits: what metered requests can spend
             * @example 1087
             */
            balance: number;
            /**
             * @description The plan's tokens of the current period, spent first; what exceeds the plan's rolloverCap expires when the period ends
             * @example 87
             */
            allowance: number;
            /**
             * @description Purchased and admin-granted tokens; they never expire
             * @example 1000
             */
            credits: number;
            /**
             * @description Reserved by requests still running (AI completions): already out of the balance, given back when they settle
             * @example 0
             */
            held: number;
            /**
             * @description Tokens the account owes: what a refunded or disputed purchase or a completion priced above its hold found already spent (the balance never goes below 0). Any tokens the account receives repay it first (`owed_repayment` entries).
             * @example 0
             */
            owed: number;
            /**
             * @description Tokens per period from the subscription's plan
             * @example 100
             */
            tokensLimit: number;
            /** @example 13 */
            usedThisPeriod: number;
            /** @example free */
            plan: string;
            /** @example 2026-11-01T00:00:00.000Z */
            periodStart: string;
            /** @example 2026-12-01T00:00:00.000Z */
            periodEnd: string;
            /**
             * @description True when the balance cannot pay for any metered action; billing still works
             * @example false
             */
            featuresDisabled: boolean;
            /**
             * @description How many days the balance lasts at the net spend rate of the last 7 days (their net spend, usage minus refunds, over 7), to one decimal; null when nothing was spent in them
             * @example 12.5
             */
            runwayDays: number | null;
            /** @description Promotional grants not yet expired, in the order they are spent (after the allowance, before other credits); what is left of them is part of `credits` */
            grants: components["schemas"]["PromotionalGrantDto"][];
        };
        AdminUserDto: {
            /** @example 4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10 */
            id: string;
            /** @example ada@example.com */
            email: string;
            /** @example Ada */
            name: string | null;
            /**
             * @example user
             * @enum {string}
             */
            role: "user" | "admin";
            /** @example 2026-11-21T10:00:00.000Z */
            createdAt: string;
            /** @description As GET /subscriptions/me answers it; null without a subscription */
            subscription: components["schemas"]["SubscriptionDto"] | null;
            /** @description As GET /tokens/balance answers it; null for a user without a subscription (no terms to open a token account with) */
            balance: components["schemas"]["BalanceDto"] | null;
        };
        ChangePlanDto: {
            /** @example professional */
            planCode: string;
        };
        TokensErrorBodyDto: {
            /** @example 402 */
            statusCode: number;
            /**
             * @description Stable code: one of the module's (INSUFFICIENT_TOKENS, NO_OPENING_TERMS, LEDGER_UNAVAILABLE, IDEMPOTENCY_IN_PROGRESS, IDEMPOTENCY_KEY_REUSED, IDEMPOTENCY_ANSWER_UNAVAILABLE, UNAUTHENTICATED, VALIDATION_FAILED, NOT_FOUND, HOLD_CLOSED, SPEND_LIMIT_REACHED), or the host's for what its own guards and parsers refuse (e.g. FORBIDDEN)
             * @example INSUFFICIENT_TOKENS
             */
            code: string;
            /** @example Insufficient tokens: this request costs 300, the balance is 12 */
            message: string;
            /** @description Current balance, on INSUFFICIENT_TOKENS */
            balance?: number;
            /** @description Tokens the request needs, on INSUFFICIENT_TOKENS */
            required?: number;
        };
        UsagePointDto: {
            /**
             * @description Net tokens spent: what usage entries took minus what refunds gave back
             * @example 1250
             */
            tokens: number;
            /**
             * @description Charged requests: usage entries minus refunds (a refund gives back a whole charge)
             * @example 4
             */
            requests: number;
            /**
             * @description Start of the UTC day
             * @example 2026-12-06T00:00:00.000Z
             */
            start: string;
        };
        UsageFiguresDto: {
            /**
             * @description Net tokens spent: what usage entries took minus what refunds gave back
             * @example 1250
             */
            tokens: number;
            /**
             * @description Charged requests: usage entries minus refunds (a refund gives back a whole charge)
             * @example 4
             */
            requests: number;
        };
        UsageSeriesDto: {
            /**
             * @description The action, or the model (groupBy=model)
             * @example ai_completion
             */
            key: string;
            /** @description One point per day from `from` to `to`, days without spending included (zeros) */
            points: components["schemas"]["UsagePointDto"][];
            /** @description The series' points summed */
            total: components["schemas"]["UsageFiguresDto"];
        };
        UsageReportDto: {
            /**
             * @example day
             * @enum {string}
             */
            interval: "day";
            /**
             * @example action
             * @enum {string}
             */
            groupBy: "action" | "model";
            /**
             * @description Start of the first day (included)
             * @example 2026-11-07T00:00:00.000Z
             */
            from: string;
            /**
             * @description Start of the last day (included)
             * @example 2026-12-06T00:00:00.000Z
             */
            to: string;
            /** @description Series with any spending in the range, the largest total first; each has the same days, so a chart can stack them */
            series: components["schemas"]["UsageSeriesDto"][];
            /**
             * @example {
             *       "tokens": 1650,
             *       "requests": 9
             *     }
             */
            totals: components["schemas"]["UsageFiguresDto"];
        };
        LedgerEntryDto: {
            /** @example 0b8f1f0e-3c1d-4a55-9e2b-5b8e7c1d2a3f */
            id: string;
            /**
             * @description Position in the account's ledger (1 = first entry)
             * @example 12
             */
            seq: number;
            /**
             * @example usage
             * @enum {string}
             */
            type: "initial_grant" | "usage" | "refund" | "admin_grant" | "admin_deduct" | "plan_change" | "period_grant" | "expiry" | "purchase" | "hold" | "hold_release" | "purchase_reversal" | "purchase_reinstated" | "owed_repayment" | "grant_expiry";
            /** @example generate_seo_title */
            action: string | null;
            /**
             * @description Signed: negative for usage and deductions, positive for grants and refunds
             * @example -300
             */
            amount: number;
            /**
             * @description What the entry moved in the allowance (signed)
             * @example -300
             */
            allowanceAmount: number;
            /**
             * @description What the entry moved in the credits (signed); amount = allowanceAmount + creditsAmount
             * @example 0
             */
            creditsAmount: number;
            /** @example 9700 */
            balanceAfter: number;
            /**
             * @description The server's id of the request that made the entry (its X-Request-Id answer header)
             * @example 5d0b7a3e-2f9c-4c1e-9a57-0c8e2b6f4d21
             */
            requestId: string | null;
            /**
             * @description The X-Request-Id the client sent with that request, if any
             * @example checkout-2f9c
             */
            clientRequestId: string | null;
            /** @example 2026-11-21T10:00:00.000Z */
            createdAt: string;
            /**
             * @description Details by type: `uncollected` (tokens this entry could not take and the account now owes), `reason` of a refund (a stable code) or of a hold_release (settled, released, expired), `holdId`, `model`, `promptTokens`, `completionTokens`, `purchaseId`, `repaidFrom` (the entry whose tokens an owed_repayment used), `heldExpired` (allowance of open holds an expiry removed), `grantId`, `expiresAt` and `priority` of a promotional grant (its admin_grant and its grant_expiry)
             * @example null
             */
            metadata: Record<string, never> | null;
        };
        TransactionsPageDto: {
            items: components["schemas"]["LedgerEntryDto"][];
            /**
             * @description Pass as `cursor` for the next page; null on the last page
             * @example 11
             */
            nextCursor: string | null;
        };
        PriceDto: {
            /** @example ai_rewrite */
            action: string;
            /**
             * @description Effective price per unit for the caller
             * @example 500
             */
            cost: number;
            /**
             * @description Price per unit declared by the endpoint, before overrides
             * @example 500
             */
            defaultCost: number;
            /**
             * @description The override that sets `cost` (user > plan > global); null for the default
             * @example null
             * @enum {string|null}
             */
            overriddenBy: "global" | "plan" | "user" | null;
            /** @example 500 per started 1,000 characters, at most 2,000 */
            description: string;
        };
        AdminLedgerEntryDto: {
            /** @example 0b8f1f0e-3c1d-4a55-9e2b-5b8e7c1d2a3f */
            id: string;
            /**
             * @description Position in the account's ledger (1 = first entry)
             * @example 12
             */
            seq: number;
            /**
             * @example usage
             * @enum {string}
             */
            type: "initial_grant" | "usage" | "refund" | "admin_grant" | "admin_deduct" | "plan_change" | "period_grant" | "expiry" | "purchase" | "hold" | "hold_release" | "purchase_reversal" | "purchase_reinstated" | "owed_repayment" | "grant_expiry";
            /** @example generate_seo_title */
            action: string | null;
            /**
             * @description Signed: negative for usage and deductions, positive for grants and refunds
             * @example -300
             */
            amount: number;
            /**
             * @description What the entry moved in the allowance (signed)
             * @example -300
             */
            allowanceAmount: number;
            /**
             * @description What the entry moved in the credits (signed); amount = allowanceAmount + creditsAmount
             * @example 0
             */
            creditsAmount: number;
            /** @example 9700 */
            balanceAfter: number;
            /**
             * @description The server's id of the request that made the entry (its X-Request-Id answer header)
             * @example 5d0b7a3e-2f9c-4c1e-9a57-0c8e2b6f4d21
             */
            requestId: string | null;
            /**
             * @description The X-Request-Id the client sent with that request, if any
             * @example checkout-2f9c
             */
            clientRequestId: string | null;
            /** @example 2026-11-21T10:00:00.000Z */
            createdAt: string;
            /**
             * @description Details by type: `uncollected` (tokens this entry could not take and the account now owes), `reason` of a refund (a stable code) or of a hold_release (settled, released, expired), `holdId`, `model`, `promptTokens`, `completionTokens`, `purchaseId`, `repaidFrom` (the entry whose tokens an owed_repayment used), `heldExpired` (allowance of open holds an expiry removed), `grantId`, `expiresAt` and `priority` of a promotional grant (its admin_grant and its grant_expiry)
             * @example null
             */
            metadata: Record<string, never> | null;
            /**
             * @description The admin who made the entry
             * @example 9a0e7c1b-1f2d-4c3b-8a4e-5d6f7a8b9c0d
             */
            actorId: string | null;
        };
        AdminAccountDto: {
            /**
             * @description allowance + credits: what metered requests can spend
             * @example 1087
             */
            balance: number;
            /**
             * @description The plan's tokens of the current period, spent first; what exceeds the plan's rolloverCap expires when the period ends
             * @example 87
             */
            allowance: number;
            /**
             * @description Purchased and admin-granted tokens; they never expire
             * @example 1000
             */
            credits: number;
            /**
             * @description Reserved by requests still running (AI completions): already out of the balance, given back when they settle
             * @example 0
             */
            held: number;
            /**
             * @description Tokens the account owes: what a refunded or disputed purchase or a completion priced above its hold found already spent (the balance never goes below 0). Any tokens the account receives repay it first (`owed_repayment` entries).
             * @example 0
             */
            owed: number;
            /**
             * @description Tokens per period from the subscription's plan
             * @example 100
             */
            tokensLimit: number;
            /** @example 13 */
            usedThisPeriod: number;
            /** @example free */
            plan: string;
            /** @example 2026-11-01T00:00:00.000Z */
            periodStart: string;
            /** @example 2026-12-01T00:00:00.000Z */
            periodEnd: string;
            /**
             * @description True when the balance cannot pay for any metered action; billing still works
             * @example false
             */
            featuresDisabled: boolean;
            /**
             * @description How many days the balance lasts at the net spend rate of the last 7 days (their net spend, usage minus refunds, over 7), to one decimal; null when nothing was spent in them
             * @example 12.5
             */
            runwayDays: number | null;
            /** @description Promotional grants not yet expired, in the order they are spent (after the allowance, before other credits); what is left of them is part of `credits` */
            grants: components["schemas"]["PromotionalGrantDto"][];
            /** @example 4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10 */
            userId: string;
            /** @description Latest entries, newest first */
            recentEntries: components["schemas"]["AdminLedgerEntryDto"][];
        };
        AdminTransactionsPageDto: {
            items: components["schemas"]["AdminLedgerEntryDto"][];
            /**
             * @description Pass as `cursor` for the next page; null on the last page
             * @example 11
             */
            nextCursor: string | null;
        };
        GrantTokensDto: {
            /** @example 5000 */
            amount: number;
            /** @example Compensation for the outage of 2026-11-20 */
            reason: string;
            /**
             * @description Makes it a promotional grant: what is left of it at this time (ISO 8601, in the future) is removed by a `grant_expiry` entry. Without it, the tokens never expire.
             * @example 2027-01-31T23:59:59.000Z
             */
            expiresAt?: string;
            /**
             * @description Of a promotional grant: spent before grants of a higher number (then the soonest to expire, then the oldest)
             * @default 50
             * @example 10
             */
            priority?: number;
        };
        AdjustTokensDto: {
            /** @example 5000 */
            amount: number;
            /** @example Compensation for the outage of 2026-11-20 */
            reason: string;
        };
        PriceOverrideDto: {
            /** @example generate_seo_title */
            action: string;
            /** @example 250 */
            cost: number;
            /**
             * @example plan
             * @enum {string}
             */
            scope: "global" | "plan" | "user";
            /** @example pro */
            planCode: string | null;
            /** @example null */
            userId: string | null;
            /** @example 9a0e7c1b-1f2d-4c3b-8a4e-5d6f7a8b9c0d */
            updatedBy: string | null;
            /** @example 2026-11-21T10:00:00.000Z */
            updatedAt: string;
        };
        SetPriceOverrideDto: {
            /**
             * @description The plan whose override to remove
             * @example pro
             */
            planCode?: string;
            /** @description The user whose override to remove */
            userId?: string;
            /**
             * @description Tokens per unit; 0 makes the action free
             * @example 250
             */
            cost: number;
        };
        BalanceMismatchDto: {
            /** @example 4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10 */
            userId: string;
            /**
             * @description token_accounts.balance
             * @example 120
             */
            balance: number;
            /**
             * @description SUM(amount) of the user's ledger rows (0 when there are none)
             * @example 100
             */
            ledgerSum: number;
        };
        BucketMismatchDto: {
            /** @example 4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10 */
            userId: string;
            /** @example 1100 */
            balance: number;
            /**
             * @description token_accounts.allowance
             * @example 100
             */
            allowance: number;
            /**
             * @description token_accounts.credits
             * @example 1000
             */
            credits: number;
            /**
             * @description SUM(allowanceAmount) of the user's ledger rows
             * @example 100
             */
            ledgerAllowance: number;
            /**
             * @description SUM(creditsAmount) of the user's ledger rows
             * @example 900
             */
            ledgerCredits: number;
        };
        NegativeBalanceDto: {
            /** @example 4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10 */
            userId: string;
            /** @example -5 */
            balance: number;
        };
        UserWithoutAccountDto: {
            /** @example 4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10 */
            userId: string;
            /**
             * @description The price tier the account would open with (AccountPolicy.missingAccounts)
             * @example starter
             */
            planCode: string;
        };
        BrokenChainDto: {
            /** @example 4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10 */
            userId: string;
            /**
             * @description The ledger row concerned; for account-level problems the last row (0: the account has none)
             * @example 7
             */
            seq: number;
            /** @example 93 */
            expected: number;
            /** @example 98 */
            actual: number | null;
            /**
             * @description `balance_after`: the row's balance_after is not the previous row's balance_after plus its amount (seq 1: not its amount). `seq_gap`: the row before `seq` is missing (expected: seq - 1, actual: the highest seq below, 0 for none). `account_balance`: the account balance (actual) is not its last row's balance_after (expected). `ledger_seq`: the account's ledger_seq (actual) is not its highest seq (expected). `missing_account`: ledger rows of a user without an account (expected: their sum, actual: null). `bucket_split`: the row's allowanceAmount + creditsAmount (actual) is not its amount (expected).
             * @example balance_after
             * @enum {string}
             */
            problem: "balance_after" | "seq_gap" | "account_balance" | "ledger_seq" | "missing_account" | "bucket_split";
        };
        HeldMismatchDto: {
            /** @example 4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10 */
            userId: string;
            /**
             * @description token_accounts.held
             * @example 120
             */
            held: number;
            /**
             * @description SUM(amount) of the account's open holds
             * @example 100
             */
            openHolds: number;
        };
        OwedMismatchDto: {
            /** @example 4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10 */
            userId: string;
            /**
             * @description token_accounts.owed
             * @example 40
             */
            owed: number;
            /**
             * @description What the account's ledger left uncollected (metadata.uncollected) minus its owed_repayment entries
             * @example 25
             */
            ledgerOwed: number;
        };
        GrantMismatchDto: {
            /** @example 4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10 */
            userId: string;
            /**
             * @description The grant; null when the grants together hold more than the credits, or a debit of credits found none
             * @example 3c6f2b7e-0a59-4d1c-9b8e-2f1a7c5d9e04
             */
            grantId: string | null;
            /**
             * @description The grant's amount (of all the account's grants, when grantId is null)
             * @example 500
             */
            amount: number;
            /**
             * @description What the ledger says is left of it (of the grants not expired, when grantId is null)
             * @example -20
             */
            remaining: number;
            /**
             * @description The account's credits
             * @example 300
             */
            credits: number;
        };
        IntegrityCountsDto: {
            /** @example 0 */
            mismatches: number;
            /** @example 0 */
            bucketMismatches: number;
            /** @example 0 */
            negativeBalances: number;
            /** @example 0 */
            usersWithoutAccount: number;
            /** @example 0 */
            brokenChains: number;
            /** @example 0 */
            heldMismatches: number;
            /** @example 0 */
            owedMismatches: number;
            /** @example 0 */
            grantMismatches: number;
        };
        IntegrityReportDto: {
            /**
             * @description Token accounts in the database
             * @example 1250
             */
            accountsChecked: number;
            /** @description Accounts whose balance is not the sum of their ledger */
            mismatches: components["schemas"]["BalanceMismatchDto"][];
            /** @description Accounts whose allowance or credits are not the sum of what their ledger rows moved in that bucket, are negative, or do not add up to the balance */
            bucketMismatches: components["schemas"]["BucketMismatchDto"][];
            negativeBalances: components["schemas"]["NegativeBalanceDto"][];
            /** @description Payers the account policy would open an account for that have none yet (AccountPolicy.missingAccounts; seeding opens them) */
            usersWithoutAccount: components["schemas"]["UserWithoutAccountDto"][];
            /** @description Ledger rows and accounts that do not follow from the rows before them */
            brokenChains: components["schemas"]["BrokenChainDto"][];
            /** @description Accounts whose `held` is not the sum of their open holds */
            heldMismatches: components["schemas"]["HeldMismatchDto"][];
            /** @description Accounts whose `owed` is not the sum of their entries' `metadata.uncollected` minus their `owed_repayment` entries */
            owedMismatches: components["schemas"]["OwedMismatchDto"][];
            /** @description Promotional grants whose rest, read from the ledger, is below 0, above their amount, or not removed exactly by their `grant_expiry`; and accounts whose grants hold more than their credits */
            grantMismatches: components["schemas"]["GrantMismatchDto"][];
            /** @description Complete number of findings of each kind; each list holds at most `limit` of them */
            counts: components["schemas"]["IntegrityCountsDto"];
            /** @example 100 */
            limit: number;
            /**
             * @description True when a list holds fewer entries than its count
             * @example false
             */
            truncated: boolean;
            /**
             * @description True only when every list is empty
             * @example true
             */
            ok: boolean;
            /** @example 2026-11-21T10:00:00.000Z */
            checkedAt: string;
        };
        AlertThresholdDto: {
            /**
             * @description Fires when the balance goes below this many tokens
             * @example 500
             */
            tokens?: number;
            /**
             * @description Fires when the balance goes below this percentage of the plan's period allowance (rounded down to whole tokens)
             * @example 10
             */
            percentOfAllowance?: number;
        };
        PutAlertsDto: {
            /**
             * @example [
             *       {
             *         "tokens": 500
             *       },
             *       {
             *         "percentOfAllowance": 10
             *       }
             *     ]
             */
            thresholds: components["schemas"]["AlertThresholdDto"][];
            /**
             * @description Receives each event as a POST. With NODE_ENV=production: https, and not a loopback, private or link-local address
             * @example https://example.com/hooks/tokens
             */
            webhookUrl: string;
        };
        AlertThresholdViewDto: {
            /** @example 500 */
            tokens?: number;
            /** @example 10 */
            percentOfAllowance?: number;
        };
        SavedAlertSettingDto: {
            thresholds: components["schemas"]["AlertThresholdViewDto"][];
            /**
             * @description null when alerts were never set
             * @example https://example.com/hooks/tokens
             */
            webhookUrl: string | null;
            /**
             * Format: date-time
             * @example 2026-12-06T10:00:00.000Z
             */
            updatedAt: string | null;
            /**
             * @description Key of the `X-Signature` HMAC-SHA256 of each event; shown only in this answer, a new one at each PUT
             * @example whsec_0f3c9d1e...
             */
            signingSecret: string;
        };
        AlertDeliveryDto: {
            /**
             * @description The event id, also `id` in the posted body
             * @example 7d1f3a52-6c1e-4f0a-9a55-2b8e4c7d9e10
             */
            id: string;
            /** @example balance.below_threshold */
            event: string;
            /**
             * @description The threshold in tokens that was crossed; null for other events
             * @example 500
             */
            threshold: number | null;
            /**
             * @example delivered
             * @enum {string}
             */
            status: "pending" | "delivered" | "failed";
            /** @example 1 */
            attempts: number;
            /**
             * Format: date-time
             * @example 2026-12-06T10:00:00.000Z
             */
            lastAttemptAt: string | null;
            /**
             * @description What went wrong at the last failed attempt
             * @example null
             */
            lastError: string | null;
        };
        AlertsDto: {
            thresholds: components["schemas"]["AlertThresholdViewDto"][];
            /**
             * @description null when alerts were never set
             * @example https://example.com/hooks/tokens
             */
            webhookUrl: string | null;
            /**
             * Format: date-time
             * @example 2026-12-06T10:00:00.000Z
             */
            updatedAt: string | null;
            /** @description The last 20 events to the webhook, newest first */
            deliveries: components["schemas"]["AlertDeliveryDto"][];
        };
        OpenAiErrorDto: {
            /** @example Missing, invalid or revoked credentials */
            message: string;
            /**
             * @example authentication_error
             * @enum {string}
             */
            type: "invalid_request_error" | "authentication_error" | "insufficient_quota" | "permission_error" | "rate_limit_error" | "api_error";
            /**
             * @description This service's stable error code
             * @example UNAUTHENTICATED
             * @enum {string}
             */
            code: "VALIDATION_FAILED" | "UNAUTHENTICATED" | "INSUFFICIENT_TOKENS" | "NO_ACTIVE_SUBSCRIPTION" | "KEY_LIMIT_REACHED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "EMAIL_TAKEN" | "IDEMPOTENCY_IN_PROGRESS" | "IDEMPOTENCY_KEY_REUSED" | "IDEMPOTENCY_ANSWER_UNAVAILABLE" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "TOO_MANY_REQUESTS" | "RATE_LIMITS_UNAVAILABLE" | "LEDGER_UNAVAILABLE" | "SERVICE_UNAVAILABLE" | "SERVICE_FAILED" | "UPSTREAM_FAILED" | "PAYMENTS_UNAVAILABLE" | "NO_PAYMENT_METHOD" | "INTERNAL_ERROR";
            /**
             * @description The first bad field, on VALIDATION_FAILED
             * @example null
             */
            param: string | null;
        };
        OpenAiErrorBodyDto: {
            /** @example 402 */
            statusCode: number;
            /**
             * @example INSUFFICIENT_TOKENS
             * @enum {string}
             */
            code: "VALIDATION_FAILED" | "UNAUTHENTICATED" | "INSUFFICIENT_TOKENS" | "NO_ACTIVE_SUBSCRIPTION" | "KEY_LIMIT_REACHED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "EMAIL_TAKEN" | "IDEMPOTENCY_IN_PROGRESS" | "IDEMPOTENCY_KEY_REUSED" | "IDEMPOTENCY_ANSWER_UNAVAILABLE" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "TOO_MANY_REQUESTS" | "RATE_LIMITS_UNAVAILABLE" | "LEDGER_UNAVAILABLE" | "SERVICE_UNAVAILABLE" | "SERVICE_FAILED" | "UPSTREAM_FAILED" | "PAYMENTS_UNAVAILABLE" | "NO_PAYMENT_METHOD" | "INTERNAL_ERROR";
            /** @example Insufficient tokens: this request costs 300, the balance is 12 */
            message: string;
            /**
             * @description Bad fields, on VALIDATION_FAILED
             * @example [
             *       {
             *         "field": "text",
             *         "errors": [
             *           "text must be a string"
             *         ]
             *       }
             *     ]
             */
            details?: components["schemas"]["FieldErrorDto"][];
            /** @description Current balance, on INSUFFICIENT_TOKENS */
            balance?: number;
            /** @description Tokens the request needs, on INSUFFICIENT_TOKENS and KEY_LIMIT_REACHED */
            required?: number;
            /** @description The API key's spending limit, on KEY_LIMIT_REACHED */
            limit?: number;
            /** @description What the API key spent in the limit's current period, on KEY_LIMIT_REACHED */
            spent?: number;
            /** @description When the limit's period ends (null for a limit of all time), on KEY_LIMIT_REACHED */
            resetsAt?: string | null;
            /** @description Request id, also in the X-Request-Id header */
            requestId?: string;
            /** @description OpenAI's error object, which OpenAI SDKs read */
            error: components["schemas"]["OpenAiErrorDto"];
        };
        ModelPricesDto: {
            /**
             * @description This service's tokens per 1,000 prompt tokens
             * @example 150
             */
            inputPer1k: number;
            /**
             * @description This service's tokens per 1,000 completion tokens
             * @example 600
             */
            outputPer1k: number;
        };
        ModelDto: {
            /**
             * @description The model id to send as `model`
             * @example gpt-4o-mini
             */
            id: string;
            /**
             * @example model
             * @enum {string}
             */
            object: "model";
            /**
             * @description When the model's prices were last set, in Unix seconds
             * @example 1763700000
             */
            created: number;
            /**
             * @description `local`: the built-in model; `upstream`: served by an OpenAI-compatible upstream
             * @example upstream
             * @enum {string}
             */
            owned_by: "local" | "upstream";
            pricing: components["schemas"]["ModelPricesDto"];
            /**
             * @description The most completion tokens one request may ask for (the default limit)
             * @example 4096
             */
            maxOutputTokens: number;
        };
        ModelListDto: {
            /**
             * @example list
             * @enum {string}
             */
            object: "list";
            data: components["schemas"]["ModelDto"][];
        };
        AdminModelDto: {
            /**
             * @description This service's tokens per 1,000 prompt (input) tokens of the model; 0 makes input free
             * @example 150
             */
            inputPer1k: number;
            /**
             * @description This service's tokens per 1,000 completion (output) tokens of the model; 0 makes output free
             * @example 600
             */
            outputPer1k: number;
            /**
             * @description The most completion tokens one request may ask for, and the limit of a request that names none
             * @example 4096
             */
            maxOutputTokens: number;
            /**
             * @description The upstream that serves the model: a name of LLM_UPSTREAMS, `default` (LLM_BASE_URL) or `local` (the built-in model)
             * @example vllm
             */
            upstream: string;
            /** @example gpt-4o-mini */
            model: string;
            /** @example 2026-11-21T10:00:00.000Z */
            updatedAt: string;
            /**
             * @description Whether this instance serves the model now: false when its upstream is not configured here (then GET /v1/models leaves it out)
             * @example true
             */
            served: boolean;
        };
        SetModelPricingDto: {
            /**
             * @description This service's tokens per 1,000 prompt (input) tokens of the model; 0 makes input free
             * @example 150
             */
            inputPer1k: number;
            /**
             * @description This service's tokens per 1,000 completion (output) tokens of the model; 0 makes output free
             * @example 600
             */
            outputPer1k: number;
            /**
             * @description The most completion tokens one request may ask for, and the limit of a request that names none
             * @example 4096
             */
            maxOutputTokens: number;
            /**
             * @description Which upstream serves the model: a name of LLM_UPSTREAMS, `default` (LLM_BASE_URL), or `local` for the built-in model only. Must be configured on this instance (400 lists the names that are). Omitted: the model keeps its upstream (a new model: `default`).
             * @example vllm
             */
            upstream?: string;
        };
        ChatMessageDto: {
            /**
             * @example user
             * @enum {string}
             */
            role: "system" | "developer" | "user" | "assistant" | "tool" | "function";
            /**
             * @description A string, or content parts: `text` (every role), `image_url`, `input_audio`, `file` (user), `refusal` (assistant). null or absent only for an assistant message (with `tool_calls`) or a function message
             * @example Write a haiku about token budgets
             */
            content?: (string | Record<string, never>[]) | null;
            /** @example alice */
            name?: string;
            /** @description Assistant messages: the tool calls the model made, `{ id, type: "function", function: { name, arguments } }` */
            tool_calls?: Record<string, never>[];
            /**
             * @description Tool messages: the id of the tool call this answers
             * @example call_abc123
             */
            tool_call_id?: string;
        };
        StreamOptionsDto: {
            /**
             * @description Send the `usage` of the whole completion in the last chunk before `[DONE]` (the one with `tokens`)
             * @example true
             */
            include_usage?: boolean | null;
        };
        ChatCompletionRequestDto: {
            /**
             * @description A model of GET /v1/models
             * @example local
             */
            model: string;
            messages: components["schemas"]["ChatMessageDto"][];
            /**
             * @description Output limit of each choice; capped at and defaulting to the model's maxOutputTokens. Without it (or max_completion_tokens), a balance short of the default hold lowers the limit to what it affords (header `X-Tokens-Output-Limit`)
             * @example 256
             */
            max_tokens?: number | null;
            /**
             * @description The newer name of max_tokens; when both are given, the smaller counts
             * @example 256
             */
            max_completion_tokens?: number | null;
            /**
             * @description Choices to generate; the output limit applies to each, the hold and the usage count them all
             * @example 1
             */
            n?: number | null;
            /**
             * @description Server-sent events; not with Idempotency-Key
             * @example false
             */
            stream?: boolean | null;
            stream_options?: components["schemas"]["StreamOptionsDto"] | null;
            /** @example 1 */
            temperature?: number | null;
            /** @example 1 */
            top_p?: number | null;
            /** @example user-1234 */
            user?: string;
            /**
             * @description Tools the model may call (passed on unchanged; their definitions count as prompt tokens in the hold)
             * @example [
             *       {
             *         "type": "function",
             *         "function": {
             *           "name": "get_weather",
             *           "parameters": {
             *             "type": "object",
             *             "properties": {
             *               "city": {
             *                 "type": "string"
             *               }
             *             }
             *           }
             *         }
             *       }
             *     ]
             */
            tools?: Record<string, never>[];
            /** @description OpenAI's deprecated form of tools */
            functions?: Record<string, never>[];
            /**
             * @description Passed on unchanged
             * @example auto
             */
            tool_choice?: string | Record<string, never>;
            /**
             * @description Passed on unchanged
             * @example {
             *       "type": "json_object"
             *     }
             */
            response_format?: {
                [key: string]: unknown;
            };
            /**
             * @description Passed on unchanged
             * @example [
             *       "\n\n"
             *     ]
             */
            stop?: string | string[];
            /**
             * @description Passed on unchanged
             * @example 42
             */
            seed?: number;
        };
        ChatCompletionMessageDto: {
            /** @example assistant */
            role: string;
            /** @example Tokens held, then settled. */
            content: string | null;
            /** @example null */
            refusal: string | null;
            /** @description The tools the model calls: `[{ id, type: "function", function: { name, arguments } }]` */
            tool_calls?: Record<string, never>[];
        };
        ChatCompletionChoiceDto: {
            /** @example 0 */
            index: number;
            message: components["schemas"]["ChatCompletionMessageDto"];
            /** @example stop */
            finish_reason: string;
            /** @example null */
            logprobs: Record<string, never> | null;
        };
        CompletionUsageDto: {
            /** @example 12 */
            prompt_tokens: number;
            /** @example 48 */
            completion_tokens: number;
            /** @example 60 */
            total_tokens: number;
        };
        ChatCompletionDto: {
            /** @example chatcmpl-3f1c2a */
            id: string;
            /** @example chat.completion */
            object: string;
            /**
             * @description Unix seconds
             * @example 1764633600
             */
            created: number;
            /** @example local */
            model: string;
            choices: components["schemas"]["ChatCompletionChoiceDto"][];
            /** @description The model tokens the price was computed from, all choices together */
            usage: components["schemas"]["CompletionUsageDto"];
        };
        EmbeddingsRequestDto: {
            /**
             * @description A model of GET /v1/models
             * @example local
             */
            model: string;
            /**
             * @description The text(s) to embed, or their token ids. input must be a non-empty string, an array of 1 to 2048 non-empty strings, an array of token ids (integers 0 to 2147483647) or an array of 1 to 2048 such arrays; each string or token array at most 200000 long.
             * @example [
             *       "The food was delicious",
             *       "The waiter was friendly"
             *     ]
             */
            input: string | string[] | number[] | number[][];
            /**
             * @description Length of each vector; the built-in model's default is 256, an upstream model's its own
             * @example 256
             */
            dimensions?: number;
            /**
             * @description `base64`: each vector as the base64 of its little-endian float32 values
             * @default float
             * @example float
             * @enum {string}
             */
            encoding_format?: "float" | "base64";
            /** @example user-1234 */
            user?: string;
        };
        EmbeddingDto: {
            /**
             * @example embedding
             * @enum {string}
             */
            object: "embedding";
            /**
             * @description Position of its input in `input`
             * @example 0
             */
            index: number;
            /**
             * @description The vector (L2-normalised), or with `encoding_format: base64` the base64 of its little-endian float32 values
             * @example [
             *       0.0123,
             *       -0.0456,
             *       0.0789
             *     ]
             */
            embedding: number[] | string;
        };
        EmbeddingsUsageDto: {
            /**
             * @description Tokens of the input, as this service counted and charged them
             * @example 10
             */
            prompt_tokens: number;
            /** @example 10 */
            total_tokens: number;
        };
        EmbeddingListDto: {
            /**
             * @example list
             * @enum {string}
             */
            object: "list";
            data: components["schemas"]["EmbeddingDto"][];
            /** @example local */
            model: string;
            usage: components["schemas"]["EmbeddingsUsageDto"];
        };
        ChatDto: {
            /** @example How do I make cold brew coffee at home? */
            message: string;
        };
        ChatReplyDto: {
            /** @example You asked about cold brew and coffee. In short: start with cold brew, then look at coffee. */
            reply: string;
            /**
             * @description How the message was understood
             * @example question
             * @enum {string}
             */
            intent: "greeting" | "question" | "statement";
            /**
             * @description Key terms the reply is about
             * @example [
             *       "cold",
             *       "brew",
             *       "coffee"
             *     ]
             */
            keyTerms: string[];
        };
        PlaceCallDto: {
            /**
             * @description Number to call, in E.164 format
             * @example +4915123456789
             */
            to: string;
            /**
             * @description What the call says; a short greeting when omitted
             * @example Hello, this is a reminder of your appointment tomorrow at 10 am.
             */
            script?: string;
        };
        CallDto: {
            /**
             * @description Identifier of the queued call
             * @example call_3f9a1c0b7d2e4a5f6b8c9d0e
             */
            callId: string;
            /** @example +4915123456789 */
            to: string;
            /**
             * @example queued
             * @enum {string}
             */
            status: "queued";
            /**
             * @description What the call will say
             * @example Hello, this is a reminder of your appointment tomorrow at 10 am.
             */
            script: string;
            /**
             * @description Expected duration of the call
             * @example 9
             */
            estimatedSeconds: number;
        };
        BusinessCollectorDto: {
            /**
             * @description Kind of business, optionally "in <city>"
             * @example coffee shops in Berlin
             */
            query: string;
            /**
             * @description Number of leads to collect
             * @example 250
             */
            count: number;
        };
        BusinessLeadDto: {
            /** @example Northside Coffee Roasters */
            name: string;
            /** @example Coffee Shops */
            category: string;
            /** @example Berlin */
            city: string;
            /**
             * @description E.164; numbers from ranges reserved for fiction
             * @example +13125550142
             */
            phone: string;
            /** @example hello@northside-coffee-roasters.example */
            email: string;
            /** @example https://northside-coffee-roasters.example */
            website: string;
        };
        BusinessLeadsDto: {
            /** @example coffee shops in Berlin */
            query: string;
            /** @example 2 */
            count: number;
            leads: components["schemas"]["BusinessLeadDto"][];
        };
        DraftSocialPostsDto: {
            /** @example We now roast our own beans in Berlin, every morning, in small batches. */
            text: string;
            /**
             * @description One post is drafted per platform, within its length limit
             * @example [
             *       "x",
             *       "linkedin"
             *     ]
             */
            platforms: ("twitter" | "x" | "linkedin" | "facebook" | "instagram" | "threads")[];
        };
        SocialPostDto: {
            /**
             * @example linkedin
             * @enum {string}
             */
            platform: "twitter" | "x" | "linkedin" | "facebook" | "instagram" | "threads";
            /**
             * @example We now roast our beans in Berlin.
             *
             *     #roast #beans #berlin
             */
            text: string;
            /**
             * @description Length of text in characters (code points)
             * @example 56
             */
            length: number;
            /**
             * @description The platform's character limit
             * @example 3000
             */
            limit: number;
            /**
             * @example [
             *       "#roast",
             *       "#beans",
             *       "#berlin"
             *     ]
             */
            hashtags: string[];
        };
        SocialPostsDto: {
            posts: components["schemas"]["SocialPostDto"][];
        };
        TextDto: {
            /** @example Cold brew coffee is smoother than hot coffee. The grind, the ratio and the steeping time decide the taste. */
            text: string;
        };
        SeoTitleDto: {
            /**
             * @description At most 60 characters
             * @example Cold Brew Coffee Beans Grind Ratio
             */
            title: string;
            /** @example 34 */
            length: number;
        };
        MetaDescriptionDto: {
            /**
             * @description At most 155 characters
             * @example Cold brew coffee is smoother than hot coffee. Learn the grind, the ratio and the steeping time.
             */
            description: string;
            /** @example 95 */
            length: number;
        };
        RewriteResultDto: {
            /** @example We use a large kettle to brew the coffee. */
            text: string;
            /**
             * @description Words or phrases replaced by a simpler equivalent
             * @example 2
             */
            substitutions: number;
        };
        WriteMoreResultDto: {
            /** @example Coffee is only part of the picture: brew and grind matter just as much. */
            text: string;
            /**
             * @description Key terms the continuation builds on
             * @example [
             *       "coffee",
             *       "brew",
             *       "grind"
             *     ]
             */
            keyTerms: string[];
        };
        FindImageDto: {
            /** @example mountain lake at dawn */
            query: string;
        };
        ImageDto: {
            /** @example mountain lake at dawn */
            query: string;
            /** @example data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4= */
            url: string;
            /** @example 1200 */
            width: number;
            /** @example 630 */
            height: number;
            /** @example Image: mountain lake at dawn */
            alt: string;
        };
        TokenPackageDto: {
            /** @example tokens_10k */
            code: string;
            /** @example 10,000 tokens */
            name: string;
            /**
             * @description Tokens credited once the payment succeeds
             * @example 10000
             */
            tokens: number;
            /**
             * @description Price in the smallest unit of `currency` (cents for usd)
             * @example 2900
             */
            priceCents: number;
            /**
             * @description ISO 4217 currency code, lower case; usd unless the package names another
             * @example usd
             */
            currency: string;
        };
        CheckoutDto: {
            /**
             * @description code of an active package (GET /billing/packages)
             * @example tokens_10k
             */
            packageCode: string;
            /**
             * @description Stripe only (default false): also save the card for automatic top-up (PUT /billing/auto-top-up). The payment is made as the user's Stripe customer with `setup_future_usage: off_session`; the card is saved when Stripe reports it (`payment_intent.succeeded`). Ignored by the local provider.
             * @example true
             */
            saveCard?: boolean;
        };
        PaymentEventDataDto: {
            /**
             * @description purchaseId of the checkout
             * @example 3f0c5b1e-8d2a-4c6f-9b7e-1a2d3c4e5f60
             */
            purchaseId: string;
        };
        PaymentEventDto: {
            /**
             * @description The provider's event id (1 to 255 visible ASCII characters); each id is processed once
             * @example evt_1Q2w3E4r
             */
            id: string;
            /**
             * @example payment.succeeded
             * @enum {string}
             */
            type: "payment.succeeded" | "payment.failed";
            data: components["schemas"]["PaymentEventDataDto"];
        };
        CheckoutCompletionDto: {
            /**
             * @example POST
             * @enum {string}
             */
            method: "POST";
            /** @example /billing/webhooks/payment */
            webhookPath: string;
            /**
             * @description The exact request body to send: the signature covers these bytes
             * @example {"id":"evt_local_8c1d...","type":"payment.succeeded","data":{"purchaseId":"3f0c5b1e-8d2a-4c6f-9b7e-1a2d3c4e5f60"}}
             */
            body: string;
            /** @description `body`, parsed */
            event: components["schemas"]["PaymentEventDto"];
            /**
             * @description Value of the X-Signature header
             * @example 5d41402abc4b2a76b9719d911017c592...
             */
            signature: string;
        };
        CheckoutResultDto: {
            /** @example 3f0c5b1e-8d2a-4c6f-9b7e-1a2d3c4e5f60 */
            purchaseId: string;
            /**
             * @example pending
             * @enum {string}
             */
            status: "pending" | "paid" | "failed" | "partially_refunded" | "refunded" | "disputed";
            /** @example tokens_10k */
            packageCode: string;
            /** @example 10000 */
            tokens: number;
            /** @example 2900 */
            priceCents: number;
            /**
             * @description Currency of priceCents (ISO 4217, lower case)
             * @example usd
             */
            currency: string;
            /**
             * @description The payment provider that takes the payment: stripe or local
             * @example stripe
             */
            provider: string;
            /**
             * @description The provider's id of this payment (Stripe: the Checkout Session id)
             * @example cs_test_a1b2c3
             */
            providerReference: string;
            /** @example 2026-11-21T10:00:00.000Z */
            createdAt: string;
            /**
             * @description The hosted payment page to send the buyer to (Stripe Checkout); null for the local provider
             * @example https://checkout.stripe.com/c/pay/cs_test_a1b2c3
             */
            redirectUrl: string | null;
            /** @description Local provider (demo, never in production): POST `body` to `webhookPath` with the header `X-Signature: <signature>` to complete the payment. Null otherwise. */
            completion: components["schemas"]["CheckoutCompletionDto"] | null;
        };
        WebhookResultDto: {
            /** @example true */
            received: boolean;
            /**
             * @example credited
             * @enum {string}
             */
            outcome: "credited" | "failed" | "ignored" | "awaiting_payment" | "unknown_purchase" | "duplicate" | "mismatch" | "reversed" | "reinstated" | "card_saved";
        };
        StripeEventObjectDto: {
            /**
             * @description checkout.session, charge or dispute
             * @example checkout.session
             */
            object: string;
            /**
             * @description Checkout Session: must be the session created for the purchase at checkout (its providerReference)
             * @example cs_test_a1b2c3
             */
            id?: string;
            /**
             * @description Checkout Session: paid, unpaid or no_payment_required; only paid credits (unpaid on completion: awaiting_payment)
             * @example paid
             */
            payment_status?: string;
            /**
             * @description Checkout Session: must equal the purchase's priceCents
             * @example 2900
             */
            amount_total?: number;
            /**
             * @description Checkout Session and charge: must equal the purchase's currency
             * @example usd
             */
            currency?: string;
            /**
             * @description Checkout Session: the payment, recorded on the purchase when credited. Charge and dispute: finds the purchase
             * @example pi_3Q2w3E4r5T6y
             */
            payment_intent?: string;
            /**
             * @description Charge: the amount paid (must equal the purchase's priceCents). Dispute: the amount disputed
             * @example 2900
             */
            amount?: number;
            /**
             * @description Charge (charge.refunded): everything refunded so far, cumulative over partial refunds
             * @example 1000
             */
            amount_refunded?: number;
            /**
             * @description Dispute (charge.dispute.closed): won or warning_closed give the tokens back; lost keeps them taken
             * @example won
             */
            status?: string;
            /**
             * @description Checkout Session: the purchaseId
             * @example 3f0c5b1e-8d2a-4c6f-9b7e-1a2d3c4e5f60
             */
            client_reference_id?: string;
            /**
             * @description Checkout Session: `purchaseId` names the purchase
             * @example {
             *       "purchaseId": "3f0c5b1e-8d2a-4c6f-9b7e-1a2d3c4e5f60"
             *     }
             */
            metadata?: Record<string, never>;
        };
        StripeEventDataDto: {
            object: components["schemas"]["StripeEventObjectDto"];
        };
        StripeEventDto: {
            /**
             * @description Stripe's event id; each is processed once
             * @example evt_1Q2w3E4r5T6y
             */
            id: string;
            /** @example event */
            object: string;
            /** @example checkout.session.completed */
            type: string;
            data: components["schemas"]["StripeEventDataDto"];
        };
        PurchaseDto: {
            /** @example 3f0c5b1e-8d2a-4c6f-9b7e-1a2d3c4e5f60 */
            id: string;
            /** @example tokens_10k */
            packageCode: string;
            /** @example 10000 */
            tokens: number;
            /** @example 2900 */
            priceCents: number;
            /**
             * @description Currency of priceCents (ISO 4217, lower case)
             * @example usd
             */
            currency: string;
            /**
             * @description pending (checkout started), paid (credited), failed, partially_refunded or refunded (that share of the tokens taken back), disputed (every token taken back while the dispute is open or after it was lost; a won dispute gives them back)
             * @example paid
             * @enum {string}
             */
            status: "pending" | "paid" | "failed" | "partially_refunded" | "refunded" | "disputed";
            /**
             * @description Tokens taken back by refunds and disputes (less what a won dispute gave back); what was already spent is owed instead
             * @example 0
             */
            tokensReversed: number;
            /** @example local */
            provider: string;
            /**
             * @description Bought by automatic top-up (an off-session payment), not at a checkout
             * @example false
             */
            automatic: boolean;
            /** @example 2026-11-21T10:00:00.000Z */
            createdAt: string;
            /**
             * @description When the purchase became paid or failed
             * @example 2026-11-21T10:00:00.000Z
             */
            completedAt: string | null;
            /**
             * @description The `purchase` ledger entry that credited the tokens
             * @example 0b8f1f0e-3c1d-4a55-9e2b-5b8e7c1d2a3f
             */
            ledgerEntryId: string | null;
        };
        AutoTopUpAttemptDto: {
            /**
             * @description When the debit that crossed the threshold started it
             * @example 2026-12-06T10:00:00.000Z
             */
            at: string;
            /**
             * @description pending (not sent to Stripe yet), processing (sent, waiting for its webhook), paid (credited) or failed (automatic top-up was disabled)
             * @example paid
             * @enum {string}
             */
            status: "pending" | "processing" | "paid" | "failed";
            /**
             * @description The purchase it made (GET /billing/purchases)
             * @example 3f0c5b1e-8d2a-4c6f-9b7e-1a2d3c4e5f60
             */
            purchaseId: string;
        };
        AutoTopUpSettingDto: {
            /**
             * @description false until set, and after a payment failed
             * @example true
             */
            enabled: boolean;
            /**
             * @description null until set
             * @example 500
             */
            thresholdTokens: number | null;
            /**
             * @description null until set
             * @example tokens_10k
             */
            packageCode: string | null;
            /**
             * @description null until set
             * @example 10000
             */
            monthlyLimitCents: number | null;
            /**
             * @description What automatic top-ups paid or have in flight this calendar month (UTC)
             * @example 2900
             */
            spentThisMonthCents: number;
            /** @description The last attempt; null when none was made */
            lastAttempt: components["schemas"]["AutoTopUpAttemptDto"] | null;
            /**
             * @description Whether a card is saved (a checkout with saveCard: true); PUT needs one
             * @example true
             */
            paymentMethodSaved: boolean;
        };
        AutoTopUpDto: {
            /**
             * @description false keeps the setting but buys nothing
             * @example true
             */
            enabled: boolean;
            /**
             * @description A debit that leaves the balance below this buys the package
             * @example 500
             */
            thresholdTokens: number;
            /**
             * @description code of an active package (GET /billing/packages): what each top-up buys
             * @example tokens_10k
             */
            packageCode: string;
            /**
             * @description Most automatic top-ups may spend in a calendar month (UTC), in the package's currency's smallest unit; at least the package's price
             * @example 10000
             */
            monthlyLimitCents: number;
        };
        HealthCheckEntryDto: {
            /**
             * @example up
             * @enum {string}
             */
            status: "up" | "down";
            /**
             * @description Why the check is down
             * @example Galera node not synced: Joining (wsrep_local_state 1); ready only when Synced (4)
             */
            message?: string;
            /**
             * @description On a Galera node only: the node's `wsrep_local_state`; 4 (Synced) is ready, 1 Joining, 2 Donor/Desynced and 3 Joined are not
             * @example 4
             */
            wsrep_local_state?: number;
            /**
             * @description On a Galera node only: the name of that state
             * @example Synced
             */
            wsrep_local_state_comment?: string;
            /**
             * @description Milliseconds the check took
             * @example 2
             */
            responseTime?: number;
        };
        HealthChecksDto: {
            /** @description The database answers (a Galera node: and is Synced) */
            database: components["schemas"]["HealthCheckEntryDto"];
        };
        HealthReportDto: {
            /**
             * @example ok
             * @enum {string}
             */
            status: "ok";
            /** @description The checks that passed */
            info: components["schemas"]["HealthChecksDto"];
            /**
             * @description The checks that failed (none on a 200)
             * @example {}
             */
            error: Record<string, never>;
            /** @description Every check */
            details: components["schemas"]["HealthChecksDto"];
        };
        NotReadyBodyDto: {
            /** @example 402 */
            statusCode: number;
            /**
             * @example INSUFFICIENT_TOKENS
             * @enum {string}
             */
            code: "VALIDATION_FAILED" | "UNAUTHENTICATED" | "INSUFFICIENT_TOKENS" | "NO_ACTIVE_SUBSCRIPTION" | "KEY_LIMIT_REACHED" | "FORBIDDEN" | "NOT_FOUND" | "CONFLICT" | "EMAIL_TAKEN" | "IDEMPOTENCY_IN_PROGRESS" | "IDEMPOTENCY_KEY_REUSED" | "IDEMPOTENCY_ANSWER_UNAVAILABLE" | "PAYLOAD_TOO_LARGE" | "UNSUPPORTED_MEDIA_TYPE" | "TOO_MANY_REQUESTS" | "RATE_LIMITS_UNAVAILABLE" | "LEDGER_UNAVAILABLE" | "SERVICE_UNAVAILABLE" | "SERVICE_FAILED" | "UPSTREAM_FAILED" | "PAYMENTS_UNAVAILABLE" | "NO_PAYMENT_METHOD" | "INTERNAL_ERROR";
            /** @example Insufficient tokens: this request costs 300, the balance is 12 */
            message: string;
            /**
             * @description Bad fields, on VALIDATION_FAILED
             * @example [
             *       {
             *         "field": "text",
             *         "errors": [
             *           "text must be a string"
             *         ]
             *       }
             *     ]
             */
            details?: components["schemas"]["FieldErrorDto"][];
            /** @description Current balance, on INSUFFICIENT_TOKENS */
            balance?: number;
            /** @description Tokens the request needs, on INSUFFICIENT_TOKENS and KEY_LIMIT_REACHED */
            required?: number;
            /** @description The API key's spending limit, on KEY_LIMIT_REACHED */
            limit?: number;
            /** @description What the API key spent in the limit's current period, on KEY_LIMIT_REACHED */
            spent?: number;
            /** @description When the limit's period ends (null for a limit of all time), on KEY_LIMIT_REACHED */
            resetsAt?: string | null;
            /** @description Request id, also in the X-Request-Id header */
            requestId?: string;
            /** @description Every check's report, the failed ones with `status: down` and a `message` */
            checks: components["schemas"]["HealthChecksDto"];
        };
        LivenessDto: {
            /**
             * @example ok
             * @enum {string}
             */
            status: "ok";
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    MetricsController_index: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Prometheus text exposition format */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain": string;
                };
            };
            /** @description UNAUTHENTICATED: not the metrics token (METRICS_TOKEN set), or not an admin (unset) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AuthController_register: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RegisterDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RegisteredDto"];
                };
            };
            /** @description EMAIL_TAKEN */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 409,
                     *       "code": "EMAIL_TAKEN",
                     *       "message": "An account with this email already exists"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description TOO_MANY_REQUESTS: too many sign-ups from this client address (THROTTLE_REGISTER_PER_HOUR); `Retry-After` says when to try again. (503 RATE_LIMITS_UNAVAILABLE while the rate limits' Redis does not answer.) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "code": "TOO_MANY_REQUESTS",
                     *       "message": "Too many requests; try again in 1 s",
                     *       "retryAfter": 1
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AuthController_login: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["LoginDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AccessTokenDto"];
                };
            };
            /** @description UNAUTHENTICATED */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description TOO_MANY_REQUESTS: too many failed logins on this account (at this address or from all addresses), or too many failed or ongoing attempts from this address; `Retry-After` says when to try again. (503 RATE_LIMITS_UNAVAILABLE while the rate limits' Redis does not answer.) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "code": "TOO_MANY_REQUESTS",
                     *       "message": "Too many requests; try again in 1 s",
                     *       "retryAfter": 1
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AuthController_logout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description No body, or `{}` */
        requestBody?: {
            content: {
                "application/json": Record<string, never>;
            };
        };
        responses: {
            /** @description The token stops working at once */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description UNAUTHENTICATED: missing, invalid, revoked or ended credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description FORBIDDEN: an API key cannot use this route; it needs an access token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "code": "FORBIDDEN",
                     *       "message": "This route is for admins"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UsersController_me: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MeDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    UsersController_changePassword: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangePasswordDto"];
            };
        };
        responses: {
            /** @description Changed; sign in again with the new password */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description UNAUTHENTICATED: missing, invalid, revoked or ended credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description FORBIDDEN: an API key cannot use this route; it needs an access token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "code": "FORBIDDEN",
                     *       "message": "This route is for admins"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description TOO_MANY_REQUESTS: too many failed logins of the account */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "code": "TOO_MANY_REQUESTS",
                     *       "message": "Too many requests; try again in 1 s",
                     *       "retryAfter": 1
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    ApiKeysController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyDto"][];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid, revoked or ended credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description FORBIDDEN: an API key cannot use this route; it needs an access token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "code": "FORBIDDEN",
                     *       "message": "This route is for admins"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    ApiKeysController_create: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CreateApiKeyDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CreatedApiKeyDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid, revoked or ended credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description FORBIDDEN: an API key cannot use this route; it needs an access token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "code": "FORBIDDEN",
                     *       "message": "This route is for admins"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    ApiKeysController_setLimit: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["KeyLimitDto"] | null;
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ApiKeyDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid, revoked or ended credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description FORBIDDEN: an API key cannot use this route; it needs an access token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "code": "FORBIDDEN",
                     *       "message": "This route is for admins"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "code": "NOT_FOUND",
                     *       "message": "User not found"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    ApiKeysController_revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description UNAUTHENTICATED: missing, invalid, revoked or ended credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description FORBIDDEN: an API key cannot use this route; it needs an access token */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "code": "FORBIDDEN",
                     *       "message": "This route is for admins"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "code": "NOT_FOUND",
                     *       "message": "User not found"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AdminUsersController_search: {
        parameters: {
            query?: {
                /** @description The start of the address (normalized like addresses: NFKC, trimmed, lower case); `%`, `_` and `\` are matched as they are. Without it, every user. */
                email?: string;
                /** @description `nextCursor` of the previous page */
                cursor?: string;
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "items": [
                     *         {
                     *           "id": "4f7c2a4e-6a7e-4d7b-9d1a-0f6d3c1c2b10",
                     *           "email": "ada@example.com",
                     *           "name": "Ada",
                     *           "role": "user",
                     *           "plan": "pro",
                     *           "balance": 182500,
                     *           "createdAt": "2026-11-21T10:00:00.000Z"
                     *         }
                     *       ],
                     *       "nextCursor": "MjAyNi0xMS0yMSAxMDowMDowMC4wMDB8NGY3YzJhNGUtNmE3ZS00ZDdiLTlkMWEtMGY2ZDNjMWMyYjEw"
                     *     }
                     */
                    "application/json": components["schemas"]["AdminUsersPageDto"];
                };
            };
            /** @description VALIDATION_FAILED: a `limit` outside 1..100 or a `cursor` this list did not give */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description FORBIDDEN: the caller is not an admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "code": "FORBIDDEN",
                     *       "message": "This route is for admins"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AdminUsersController_profile: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdminUserDto"];
                };
            };
            /** @description VALIDATION_FAILED: userId is not a UUID */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description FORBIDDEN: the caller is not an admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "code": "FORBIDDEN",
                     *       "message": "This route is for admins"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description NOT_FOUND: no user has this id */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "code": "NOT_FOUND",
                     *       "message": "User not found"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AdminUsersController_changePlan: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe (per admin, 24 hours): the same key replays the first answer (header `Idempotent-Replayed: true`) and changes nothing more. A request that failed (e.g. a 402 deduct) leaves the key unused. */
                "Idempotency-Key"?: string;
            };
            path: {
                userId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChangePlanDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubscriptionDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description FORBIDDEN: the caller is not an admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "code": "FORBIDDEN",
                     *       "message": "This route is for admins"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description Unknown user or plan */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "code": "NOT_FOUND",
                     *       "message": "User not found"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description IDEMPOTENCY_KEY_REUSED: the key was used with another request; IDEMPOTENCY_IN_PROGRESS: the first request with the key is still running */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    SubscriptionsController_plans: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PlanDto"][];
                };
            };
        };
    };
    SubscriptionsController_mine: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SubscriptionDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    TokensController_balance: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BalanceDto"];
                };
            };
            /** @description UNAUTHENTICATED: nobody pays for this request (the host's payerOf named no one) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "This route needs an authenticated caller"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    TokensController_usageReport: {
        parameters: {
            query?: {
                /** @description First day, included: a UTC day `YYYY-MM-DD`, or an ISO-8601 time with its offset (its UTC day is taken). Default: 29 days before `to`. */
                from?: string;
                /** @description Last day, included: a UTC day `YYYY-MM-DD`, or an ISO-8601 time with its offset (its UTC day is taken). Default: today. At most 366 days from `from`. */
                to?: string;
                /** @description Length of a point: UTC days (the only one for now) */
                interval?: "day";
                /** @description One series per metered action, or per AI model (entries without a model, such as fixed-price actions, under their action; entries without an action under `other`) */
                groupBy?: "action" | "model";
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "interval": "day",
                     *       "groupBy": "model",
                     *       "from": "2026-12-05T00:00:00.000Z",
                     *       "to": "2026-12-06T00:00:00.000Z",
                     *       "series": [
                     *         {
                     *           "key": "gpt-4o-mini",
                     *           "points": [
                     *             {
                     *               "start": "2026-12-05T00:00:00.000Z",
                     *               "tokens": 900,
                     *               "requests": 3
                     *             },
                     *             {
                     *               "start": "2026-12-06T00:00:00.000Z",
                     *               "tokens": 350,
                     *               "requests": 1
                     *             }
                     *           ],
                     *           "total": {
                     *             "tokens": 1250,
                     *             "requests": 4
                     *           }
                     *         },
                     *         {
                     *           "key": "generate_seo_title",
                     *           "points": [
                     *             {
                     *               "start": "2026-12-05T00:00:00.000Z",
                     *               "tokens": 0,
                     *               "requests": 0
                     *             },
                     *             {
                     *               "start": "2026-12-06T00:00:00.000Z",
                     *               "tokens": 300,
                     *               "requests": 1
                     *             }
                     *           ],
                     *           "total": {
                     *             "tokens": 300,
                     *             "requests": 1
                     *           }
                     *         }
                     *       ],
                     *       "totals": {
                     *         "tokens": 1550,
                     *         "requests": 5
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["UsageReportDto"];
                };
            };
            /** @description VALIDATION_FAILED: `from` or `to` is no date, `from` is after `to`, the range is longer than 366 days, or `interval` is not `day` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: from",
                     *       "details": [
                     *         {
                     *           "field": "from",
                     *           "errors": [
                     *             "from must not be after to"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description UNAUTHENTICATED: nobody pays for this request (the host's payerOf named no one) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "This route needs an authenticated caller"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    TokensController_transactions: {
        parameters: {
            query?: {
                limit?: number;
                /** @description nextCursor of the previous page */
                cursor?: string;
                type?: "initial_grant" | "usage" | "refund" | "admin_grant" | "admin_deduct" | "plan_change" | "period_grant" | "expiry" | "purchase" | "hold" | "hold_release" | "purchase_reversal" | "purchase_reinstated" | "owed_repayment" | "grant_expiry";
                action?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TransactionsPageDto"];
                };
            };
            /** @description UNAUTHENTICATED: nobody pays for this request (the host's payerOf named no one) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "This route needs an authenticated caller"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    TokensController_costs: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PriceDto"][];
                };
            };
            /** @description UNAUTHENTICATED: nobody pays for this request (the host's payerOf named no one) */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "This route needs an authenticated caller"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    AdminTokensController_account: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdminAccountDto"];
                };
            };
            /** @description FORBIDDEN: the host's admin guard refused the caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "code": "FORBIDDEN",
                     *       "message": "This route is for admins"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description NOT_FOUND: no such user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "code": "NOT_FOUND",
                     *       "message": "User not found"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    AdminTokensController_transactions: {
        parameters: {
            query?: {
                limit?: number;
                /** @description nextCursor of the previous page */
                cursor?: string;
                type?: "initial_grant" | "usage" | "refund" | "admin_grant" | "admin_deduct" | "plan_change" | "period_grant" | "expiry" | "purchase" | "hold" | "hold_release" | "purchase_reversal" | "purchase_reinstated" | "owed_repayment" | "grant_expiry";
                action?: string;
            };
            header?: never;
            path: {
                userId: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "items": [
                     *         {
                     *           "id": "0b8f1f0e-3c1d-4a55-9e2b-5b8e7c1d2a3f",
                     *           "seq": 12,
                     *           "type": "admin_grant",
                     *           "action": null,
                     *           "amount": 5000,
                     *           "allowanceAmount": 0,
                     *           "creditsAmount": 5000,
                     *           "balanceAfter": 14700,
                     *           "requestId": "5d0b7a3e-2f9c-4c1e-9a57-0c8e2b6f4d21",
                     *           "clientRequestId": null,
                     *           "createdAt": "2026-11-21T10:00:00.000Z",
                     *           "metadata": {
                     *             "reason": "Compensation for the outage of 2026-11-20"
                     *           },
                     *           "actorId": "9a0e7c1b-1f2d-4c3b-8a4e-5d6f7a8b9c0d"
                     *         }
                     *       ],
                     *       "nextCursor": "12"
                     *     }
                     */
                    "application/json": components["schemas"]["AdminTransactionsPageDto"];
                };
            };
            /** @description VALIDATION_FAILED: a userId that is not a UUID, a `limit` outside 1..100, a `cursor` this list did not give or an unknown `type` */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: limit",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "errors": [
                     *             "limit must not be greater than 100"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description FORBIDDEN: the host's admin guard refused the caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "code": "FORBIDDEN",
                     *       "message": "This route is for admins"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description NOT_FOUND: no such user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "code": "NOT_FOUND",
                     *       "message": "User not found"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    AdminTokensController_grant: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe (per admin, 24 hours): the same key replays the first answer (header `Idempotent-Replayed: true`) and changes nothing more. A request that failed (e.g. a 402 deduct) leaves the key unused. */
                "Idempotency-Key"?: string;
            };
            path: {
                userId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["GrantTokensDto"];
            };
        };
        responses: {
            /** @description The admin_grant ledger entry */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdminLedgerEntryDto"];
                };
            };
            /** @description FORBIDDEN: the host's admin guard refused the caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "code": "FORBIDDEN",
                     *       "message": "This route is for admins"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description NOT_FOUND: no such user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "code": "NOT_FOUND",
                     *       "message": "User not found"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description IDEMPOTENCY_KEY_REUSED: the key was used with another request; IDEMPOTENCY_IN_PROGRESS: the first request with the key is still running */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    AdminTokensController_deduct: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe (per admin, 24 hours): the same key replays the first answer (header `Idempotent-Replayed: true`) and changes nothing more. A request that failed (e.g. a 402 deduct) leaves the key unused. */
                "Idempotency-Key"?: string;
            };
            path: {
                userId: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AdjustTokensDto"];
            };
        };
        responses: {
            /** @description The admin_deduct ledger entry */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdminLedgerEntryDto"];
                };
            };
            /** @description INSUFFICIENT_TOKENS: the deduction would take the balance below 0 */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 402,
                     *       "code": "INSUFFICIENT_TOKENS",
                     *       "message": "Insufficient tokens: this request costs 300, the balance is 12",
                     *       "balance": 12,
                     *       "required": 300
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description FORBIDDEN: the host's admin guard refused the caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "code": "FORBIDDEN",
                     *       "message": "This route is for admins"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description NOT_FOUND: no such user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "code": "NOT_FOUND",
                     *       "message": "User not found"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description IDEMPOTENCY_KEY_REUSED: the key was used with another request; IDEMPOTENCY_IN_PROGRESS: the first request with the key is still running */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    AdminPricesController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PriceOverrideDto"][];
                };
            };
            /** @description FORBIDDEN: the host's admin guard refused the caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "code": "FORBIDDEN",
                     *       "message": "This route is for admins"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    AdminPricesController_set: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                action: unknown;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SetPriceOverrideDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PriceOverrideDto"];
                };
            };
            /** @description FORBIDDEN: the host's admin guard refused the caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "code": "FORBIDDEN",
                     *       "message": "This route is for admins"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description NOT_FOUND: unknown action, plan or user */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "code": "NOT_FOUND",
                     *       "message": "Metered action 'seo_titles' not found"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    AdminPricesController_remove: {
        parameters: {
            query?: {
                /** @description The plan whose override to remove */
                planCode?: string;
                /** @description The user whose override to remove */
                userId?: string;
            };
            header?: never;
            path: {
                action: unknown;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description FORBIDDEN: the host's admin guard refused the caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "code": "FORBIDDEN",
                     *       "message": "This route is for admins"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description NOT_FOUND: unknown action, or no such override */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "code": "NOT_FOUND",
                     *       "message": "Price override of 'generate_seo_title' for this plan not found"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    AdminIntegrityController_report: {
        parameters: {
            query?: {
                /** @description Entries listed per kind of problem */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IntegrityReportDto"];
                };
            };
            /** @description VALIDATION_FAILED: `limit` is not an integer from 1 to 1000 */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: limit",
                     *       "details": [
                     *         {
                     *           "field": "limit",
                     *           "errors": [
                     *             "limit must not be greater than 1000"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description FORBIDDEN: the host's admin guard refused the caller */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "code": "FORBIDDEN",
                     *       "message": "This route is for admins"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    AlertsController_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertsDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AlertsController_put: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PutAlertsDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SavedAlertSettingDto"];
                };
            };
            /** @description VALIDATION_FAILED: a bad threshold or webhookUrl; nothing was changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    ModelsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelListDto"];
                };
            };
            /** @description VALIDATION_FAILED: the request is not valid (`error.param` names the first bad field); nothing is held or charged */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Validation failed: text",
                     *         "type": "invalid_request_error",
                     *         "code": "VALIDATION_FAILED",
                     *         "param": "text"
                     *       },
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /**
             * @description UNAUTHENTICATED: missing, invalid or revoked credentials
             *
             *     On /v1 routes the body also has OpenAI's `error` object
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Missing, invalid or revoked credentials",
                     *         "type": "authentication_error",
                     *         "code": "UNAUTHENTICATED",
                     *         "param": null
                     *       },
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: the body is not JSON (`Content-Type: application/json`); nothing is held or charged */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Content-Type must be application/json",
                     *         "type": "invalid_request_error",
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "param": null
                     *       },
                     *       "statusCode": 415,
                     *       "code": "UNSUPPORTED_MEDIA_TYPE",
                     *       "message": "Content-Type must be application/json"
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /** @description LEDGER_UNAVAILABLE: the database cannot be reached; nothing is held or charged and the model is not called (retry later) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "The token ledger is unavailable; nothing was charged and the request did not run",
                     *         "type": "api_error",
                     *         "code": "LEDGER_UNAVAILABLE",
                     *         "param": null
                     *       },
                     *       "statusCode": 503,
                     *       "code": "LEDGER_UNAVAILABLE",
                     *       "message": "The token ledger is unavailable; nothing was charged and the request did not run"
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
        };
    };
    ModelsController_retrieve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The model id; a `/` in it is sent as `%2F` */
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ModelDto"];
                };
            };
            /** @description VALIDATION_FAILED: not a model id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Validation failed: text",
                     *         "type": "invalid_request_error",
                     *         "code": "VALIDATION_FAILED",
                     *         "param": "text"
                     *       },
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /**
             * @description UNAUTHENTICATED: missing, invalid or revoked credentials
             *
             *     On /v1 routes the body also has OpenAI's `error` object
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Missing, invalid or revoked credentials",
                     *         "type": "authentication_error",
                     *         "code": "UNAUTHENTICATED",
                     *         "param": null
                     *       },
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /** @description NOT_FOUND: no such model, or none this instance serves */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "User not found",
                     *         "type": "invalid_request_error",
                     *         "code": "NOT_FOUND",
                     *         "param": null
                     *       },
                     *       "statusCode": 404,
                     *       "code": "NOT_FOUND",
                     *       "message": "User not found"
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: the body is not JSON (`Content-Type: application/json`); nothing is held or charged */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Content-Type must be application/json",
                     *         "type": "invalid_request_error",
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "param": null
                     *       },
                     *       "statusCode": 415,
                     *       "code": "UNSUPPORTED_MEDIA_TYPE",
                     *       "message": "Content-Type must be application/json"
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /** @description LEDGER_UNAVAILABLE: the database cannot be reached; nothing is held or charged and the model is not called (retry later) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "The token ledger is unavailable; nothing was charged and the request did not run",
                     *         "type": "api_error",
                     *         "code": "LEDGER_UNAVAILABLE",
                     *         "param": null
                     *       },
                     *       "statusCode": 503,
                     *       "code": "LEDGER_UNAVAILABLE",
                     *       "message": "The token ledger is unavailable; nothing was charged and the request did not run"
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
        };
    };
    AdminModelsController_list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdminModelDto"][];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description FORBIDDEN: the caller is not an admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "code": "FORBIDDEN",
                     *       "message": "This route is for admins"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AdminModelsController_set: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The model id; a `/` in it is sent as `%2F` */
                model: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SetModelPricingDto"];
            };
        };
        responses: {
            /** @description The model as stored */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AdminModelDto"];
                };
            };
            /** @description VALIDATION_FAILED: a bad model id, price or limit, or an upstream that is not configured here (the message lists those that are) */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description FORBIDDEN: the caller is not an admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "code": "FORBIDDEN",
                     *       "message": "This route is for admins"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AdminModelsController_remove: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The model id; a `/` in it is sent as `%2F` */
                model: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Removed */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description VALIDATION_FAILED: not a model id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description FORBIDDEN: the caller is not an admin */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 403,
                     *       "code": "FORBIDDEN",
                     *       "message": "This route is for admins"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description NOT_FOUND: no such model */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "code": "NOT_FOUND",
                     *       "message": "User not found"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    ChatCompletionsController_create: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe (per admin, 24 hours): the same key replays the first answer (header `Idempotent-Replayed: true`) and changes nothing more. A request that failed (e.g. a 402 deduct) leaves the key unused. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChatCompletionRequestDto"];
            };
        };
        responses: {
            /** @description The completion (or, with `stream: true`, server-sent chat.completion.chunk events) */
            200: {
                headers: {
                    /** @description The output limit per choice the completion ran with */
                    "X-Tokens-Output-Limit"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChatCompletionDto"];
                    "text/event-stream": components["schemas"]["ChatCompletionDto"];
                };
            };
            /** @description VALIDATION_FAILED: the request is not valid (`error.param` names the first bad field); nothing is held or charged */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Validation failed: text",
                     *         "type": "invalid_request_error",
                     *         "code": "VALIDATION_FAILED",
                     *         "param": "text"
                     *       },
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /**
             * @description On /v1 routes the body also has OpenAI's `error` object
             *
             *     UNAUTHENTICATED: missing, invalid or revoked credentials
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Missing, invalid or revoked credentials",
                     *         "type": "authentication_error",
                     *         "code": "UNAUTHENTICATED",
                     *         "param": null
                     *       },
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /** @description INSUFFICIENT_TOKENS: the balance cannot cover the hold (without an explicit limit: not even with MIN_OUTPUT_TOKENS). KEY_LIMIT_REACHED: the hold would pass the spending limit of the API key; the model is not called */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /** @description IDEMPOTENCY_KEY_REUSED: the key was used with another request; IDEMPOTENCY_IN_PROGRESS: the first request with the key is still running */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: the body is not JSON (`Content-Type: application/json`); nothing is held or charged */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Content-Type must be application/json",
                     *         "type": "invalid_request_error",
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "param": null
                     *       },
                     *       "statusCode": 415,
                     *       "code": "UNSUPPORTED_MEDIA_TYPE",
                     *       "message": "Content-Type must be application/json"
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /** @description TOO_MANY_REQUESTS: the user already has LLM_MAX_CONCURRENT_PER_USER completions in flight; see `Retry-After` (seconds) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Too many requests; try again in 1 s",
                     *         "type": "rate_limit_error",
                     *         "code": "TOO_MANY_REQUESTS",
                     *         "param": null
                     *       },
                     *       "statusCode": 429,
                     *       "code": "TOO_MANY_REQUESTS",
                     *       "message": "Too many requests; try again in 1 s",
                     *       "retryAfter": 1
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /** @description LEDGER_UNAVAILABLE: the database cannot be reached; nothing is held or charged and the model is not called (retry later) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "The token ledger is unavailable; nothing was charged and the request did not run",
                     *         "type": "api_error",
                     *         "code": "LEDGER_UNAVAILABLE",
                     *         "param": null
                     *       },
                     *       "statusCode": 503,
                     *       "code": "LEDGER_UNAVAILABLE",
                     *       "message": "The token ledger is unavailable; nothing was charged and the request did not run"
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
        };
    };
    EmbeddingsController_create: {
        parameters: {
            query?: never;
            header?: {
                /** @description Repeating a key within 24 hours replays the first answer (header `Idempotent-Replayed: true`) and charges nothing more */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EmbeddingsRequestDto"];
            };
        };
        responses: {
            /** @description The vectors, one per input in order */
            200: {
                headers: {
                    /** @description Tokens charged for this request */
                    "X-Tokens-Charged"?: number;
                    /** @description Balance after the charge */
                    "X-Tokens-Remaining"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["EmbeddingListDto"];
                };
            };
            /** @description VALIDATION_FAILED: a bad request (`param` names the field); nothing charged */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Validation failed: text",
                     *         "type": "invalid_request_error",
                     *         "code": "VALIDATION_FAILED",
                     *         "param": "text"
                     *       },
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /**
             * @description On /v1 routes the body also has OpenAI's `error` object
             *
             *     UNAUTHENTICATED: missing, invalid or revoked credentials
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Missing, invalid or revoked credentials",
                     *         "type": "authentication_error",
                     *         "code": "UNAUTHENTICATED",
                     *         "param": null
                     *       },
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /** @description INSUFFICIENT_TOKENS: the balance cannot cover the price; KEY_LIMIT_REACHED: the price would pass the API key's spending limit; nothing ran */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /** @description NOT_FOUND: no such model, or none this instance serves */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "User not found",
                     *         "type": "invalid_request_error",
                     *         "code": "NOT_FOUND",
                     *         "param": null
                     *       },
                     *       "statusCode": 404,
                     *       "code": "NOT_FOUND",
                     *       "message": "User not found"
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /** @description With an Idempotency-Key used for another request, or whose first request has not finished; nothing runs or is charged */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "The request conflicts with the current state",
                     *         "type": "invalid_request_error",
                     *         "code": "CONFLICT",
                     *         "param": null
                     *       },
                     *       "statusCode": 409,
                     *       "code": "CONFLICT",
                     *       "message": "The request conflicts with the current state"
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: the body is not JSON (`Content-Type: application/json`); nothing is held or charged */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Content-Type must be application/json",
                     *         "type": "invalid_request_error",
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "param": null
                     *       },
                     *       "statusCode": 415,
                     *       "code": "UNSUPPORTED_MEDIA_TYPE",
                     *       "message": "Content-Type must be application/json"
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /** @description UPSTREAM_FAILED: the model failed; the charge was refunded */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "The model failed; nothing was charged",
                     *         "type": "api_error",
                     *         "code": "UPSTREAM_FAILED",
                     *         "param": null
                     *       },
                     *       "statusCode": 502,
                     *       "code": "UPSTREAM_FAILED",
                     *       "message": "The model failed; nothing was charged"
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /** @description LEDGER_UNAVAILABLE: the database cannot be reached; nothing is held or charged and the model is not called (retry later) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "The token ledger is unavailable; nothing was charged and the request did not run",
                     *         "type": "api_error",
                     *         "code": "LEDGER_UNAVAILABLE",
                     *         "param": null
                     *       },
                     *       "statusCode": 503,
                     *       "code": "LEDGER_UNAVAILABLE",
                     *       "message": "The token ledger is unavailable; nothing was charged and the request did not run"
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
        };
    };
    ResponsesController_create: {
        parameters: {
            query?: never;
            header?: {
                /** @description Makes a retry safe (per admin, 24 hours): the same key replays the first answer (header `Idempotent-Replayed: true`) and changes nothing more. A request that failed (e.g. a 402 deduct) leaves the key unused. */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": {
                    /**
                     * @description A model of GET /v1/models
                     * @example local
                     */
                    model: string;
                    /**
                     * @description A user message, or items: messages with their content parts, function calls and their outputs; other item types are 400
                     * @example Write a haiku about token budgets
                     */
                    input: string | (({
                        /** @enum {string} */
                        type?: "message";
                        /**
                         * @example user
                         * @enum {string}
                         */
                        role: "user" | "assistant" | "system" | "developer";
                        content: string | (({
                            /** @enum {string} */
                            type: "input_text";
                            /** @example What is the weather in Paris? */
                            text: string;
                        } & {
                            [key: string]: unknown;
                        }) | ({
                            /** @enum {string} */
                            type: "input_image";
                            image_url: string;
                            /** @enum {string|null} */
                            detail?: "auto" | "low" | "high" | null;
                        } & {
                            [key: string]: unknown;
                        }) | ({
                            /** @enum {string} */
                            type: "input_file";
                            file_data?: string | null;
                            file_id?: string | null;
                            filename?: string | null;
                        } & {
                            [key: string]: unknown;
                        }) | ({
                            /** @enum {string} */
                            type: "input_audio";
                            input_audio: {
                                data: string;
                                /** @enum {string} */
                                format: "wav" | "mp3";
                            };
                        } & {
                            [key: string]: unknown;
                        }) | ({
                            /** @enum {string} */
                            type: "output_text";
                            text: string;
                        } & {
                            [key: string]: unknown;
                        }) | ({
                            /** @enum {string} */
                            type: "refusal";
                            refusal: string;
                        } & {
                            [key: string]: unknown;
                        }))[];
                    } & {
                        [key: string]: unknown;
                    }) | ({
                        /** @enum {string} */
                        type: "function_call";
                        /** @example call_abc123 */
                        call_id: string;
                        /** @example get_weather */
                        name: string;
                        /** @example {"city":"Paris"} */
                        arguments: string;
                    } & {
                        [key: string]: unknown;
                    }) | ({
                        /** @enum {string} */
                        type: "function_call_output";
                        /** @example call_abc123 */
                        call_id: string;
                        output: string | ({
                            /** @enum {string} */
                            type: "input_text";
                            /** @example What is the weather in Paris? */
                            text: string;
                        } & {
                            [key: string]: unknown;
                        })[];
                    } & {
                        [key: string]: unknown;
                    }) | ({
                        /** @enum {string} */
                        type: "reasoning";
                    } & {
                        [key: string]: unknown;
                    }))[];
                    /**
                     * @description Sent as a leading system message
                     * @example Be brief.
                     */
                    instructions?: string | null;
                    /**
                     * @description Output limit; capped at and defaulting to the model's maxOutputTokens (see the clamp in the description)
                     * @example 256
                     */
                    max_output_tokens?: number | null;
                    /** @example 1 */
                    temperature?: number | null;
                    /** @example 1 */
                    top_p?: number | null;
                    /**
                     * @description Server-sent events; not with Idempotency-Key
                     * @example false
                     */
                    stream?: boolean | null;
                    /** @description Function tools only */
                    tools?: ({
                        /** @enum {string} */
                        type: "function";
                        /** @example get_weather */
                        name: string;
                        /** @example The current weather of a city */
                        description?: string | null;
                        /** @description A JSON schema of the arguments */
                        parameters?: {
                            [key: string]: unknown;
                        } | null;
                        /** @description Passed on when set; otherwise the chat default (not strict) */
                        strict?: boolean | null;
                    } & {
                        [key: string]: unknown;
                    })[];
                    tool_choice?: ("auto" | "none" | "required") | {
                        /** @enum {string} */
                        type: "function";
                        /** @example get_weather */
                        name: string;
                    };
                    parallel_tool_calls?: boolean | null;
                    text?: {
                        format?: {
                            /** @enum {string} */
                            type: "text" | "json_object";
                        } | {
                            /** @enum {string} */
                            type: "json_schema";
                            /** @example get_weather */
                            name: string;
                            schema: {
                                [key: string]: unknown;
                            };
                            description?: string;
                            strict?: boolean | null;
                        };
                        /** @enum {string|null} */
                        verbosity?: "low" | "medium" | "high" | null;
                    } & {
                        [key: string]: unknown;
                    };
                    reasoning?: ({
                        /** @enum {string|null} */
                        effort?: "none" | "minimal" | "low" | "medium" | "high" | "xhigh" | null;
                    } & {
                        [key: string]: unknown;
                    }) | null;
                    /** @description Echoed in the Response; not sent to the model */
                    metadata?: {
                        [key: string]: string;
                    } | null;
                    /** @example user-1234 */
                    user?: string;
                    safety_identifier?: string | null;
                    /** @description Accepted; this service stores no responses */
                    store?: boolean | null;
                    /** @enum {string|null} */
                    service_tier?: "auto" | "default" | "flex" | "scale" | "priority" | null;
                    prompt_cache_key?: string | null;
                    /** @enum {string|null} */
                    prompt_cache_retention?: "in_memory" | "24h" | null;
                } & {
                    [key: string]: unknown;
                };
            };
        };
        responses: {
            /** @description The Response (or, with `stream: true`, its server-sent events) */
            200: {
                headers: {
                    /** @description The output limit the completion ran with */
                    "X-Tokens-Output-Limit"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": {
                        /** @description `resp_` and the request id (X-Request-Id) without dashes */
                        id: string;
                        /** @enum {string} */
                        object: "response";
                        /** @description Unix seconds */
                        created_at: number;
                        /** @enum {string} */
                        status: "completed" | "incomplete";
                        incomplete_details?: {
                            /** @enum {string} */
                            reason?: "max_output_tokens" | "content_filter";
                        } | null;
                        model: string;
                        output: {
                            [key: string]: unknown;
                        }[];
                        /** @description The model tokens the price was computed from */
                        usage?: {
                            input_tokens?: number;
                            output_tokens?: number;
                            total_tokens?: number;
                        };
                    } & {
                        [key: string]: unknown;
                    };
                    "text/event-stream": {
                        /** @description `resp_` and the request id (X-Request-Id) without dashes */
                        id: string;
                        /** @enum {string} */
                        object: "response";
                        /** @description Unix seconds */
                        created_at: number;
                        /** @enum {string} */
                        status: "completed" | "incomplete";
                        incomplete_details?: {
                            /** @enum {string} */
                            reason?: "max_output_tokens" | "content_filter";
                        } | null;
                        model: string;
                        output: {
                            [key: string]: unknown;
                        }[];
                        /** @description The model tokens the price was computed from */
                        usage?: {
                            input_tokens?: number;
                            output_tokens?: number;
                            total_tokens?: number;
                        };
                    } & {
                        [key: string]: unknown;
                    };
                };
            };
            /** @description VALIDATION_FAILED: the request is not valid (`error.param` names the first bad field); nothing is held or charged */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Validation failed: text",
                     *         "type": "invalid_request_error",
                     *         "code": "VALIDATION_FAILED",
                     *         "param": "text"
                     *       },
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /**
             * @description On /v1 routes the body also has OpenAI's `error` object
             *
             *     UNAUTHENTICATED: missing, invalid or revoked credentials
             */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Missing, invalid or revoked credentials",
                     *         "type": "authentication_error",
                     *         "code": "UNAUTHENTICATED",
                     *         "param": null
                     *       },
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /** @description INSUFFICIENT_TOKENS: the balance cannot cover the hold (without an explicit limit: not even with MIN_OUTPUT_TOKENS). KEY_LIMIT_REACHED: the hold would pass the spending limit of the API key; the model is not called */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /** @description IDEMPOTENCY_KEY_REUSED: the key was used with another request; IDEMPOTENCY_IN_PROGRESS: the first request with the key is still running */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: the body is not JSON (`Content-Type: application/json`); nothing is held or charged */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Content-Type must be application/json",
                     *         "type": "invalid_request_error",
                     *         "code": "UNSUPPORTED_MEDIA_TYPE",
                     *         "param": null
                     *       },
                     *       "statusCode": 415,
                     *       "code": "UNSUPPORTED_MEDIA_TYPE",
                     *       "message": "Content-Type must be application/json"
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /** @description TOO_MANY_REQUESTS: the user already has LLM_MAX_CONCURRENT_PER_USER completions in flight; see `Retry-After` (seconds) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "Too many requests; try again in 1 s",
                     *         "type": "rate_limit_error",
                     *         "code": "TOO_MANY_REQUESTS",
                     *         "param": null
                     *       },
                     *       "statusCode": 429,
                     *       "code": "TOO_MANY_REQUESTS",
                     *       "message": "Too many requests; try again in 1 s",
                     *       "retryAfter": 1
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
            /** @description LEDGER_UNAVAILABLE: the database cannot be reached; nothing is held or charged and the model is not called (retry later) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "error": {
                     *         "message": "The token ledger is unavailable; nothing was charged and the request did not run",
                     *         "type": "api_error",
                     *         "code": "LEDGER_UNAVAILABLE",
                     *         "param": null
                     *       },
                     *       "statusCode": 503,
                     *       "code": "LEDGER_UNAVAILABLE",
                     *       "message": "The token ledger is unavailable; nothing was charged and the request did not run"
                     *     }
                     */
                    "application/json": components["schemas"]["OpenAiErrorBodyDto"];
                };
            };
        };
    };
    ServicesController_chat: {
        parameters: {
            query?: never;
            header?: {
                /** @description Repeating a key within 24 hours replays the first answer (header `Idempotent-Replayed: true`) and charges nothing more. If the work succeeded but its answer could not be stored, the first caller still gets it; a retry with the key is 409 IDEMPOTENCY_ANSWER_UNAVAILABLE and neither runs nor charges again (send a new key to run it again) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ChatDto"];
            };
        };
        responses: {
            /** @description Done and charged. Token cost (action `ai_chat_message`): 1 token per request. */
            201: {
                headers: {
                    /** @description Tokens charged for this request */
                    "X-Tokens-Charged"?: number;
                    /** @description Balance after the charge */
                    "X-Tokens-Remaining"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ChatReplyDto"];
                };
            };
            /** @description VALIDATION_FAILED: the body (or the Idempotency-Key) is not valid; nothing is charged */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description INSUFFICIENT_TOKENS: balance below the cost; or the spend limit the caller spends through (the host’s `spendLimitOf`) would be passed; the work did not run */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description With an Idempotency-Key; nothing runs and nothing is charged. IDEMPOTENCY_KEY_REUSED: the key was used with another request. IDEMPOTENCY_IN_PROGRESS: the first request with the key has not finished (or its outcome could not be recorded). IDEMPOTENCY_ANSWER_UNAVAILABLE: the first request succeeded and was charged, but its answer was not kept */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: the body is not JSON; refused by the host (Fastify's parser, or the host's own check) before anything is charged */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 415,
                     *       "code": "UNSUPPORTED_MEDIA_TYPE",
                     *       "message": "Content-Type must be application/json"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description LEDGER_UNAVAILABLE: the database cannot be reached; nothing was charged and the work did not run (retry later) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 503,
                     *       "code": "LEDGER_UNAVAILABLE",
                     *       "message": "The token ledger is unavailable; the request was not served"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    ServicesController_placeCall: {
        parameters: {
            query?: never;
            header?: {
                /** @description Repeating a key within 24 hours replays the first answer (header `Idempotent-Replayed: true`) and charges nothing more. If the work succeeded but its answer could not be stored, the first caller still gets it; a retry with the key is 409 IDEMPOTENCY_ANSWER_UNAVAILABLE and neither runs nor charges again (send a new key to run it again) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PlaceCallDto"];
            };
        };
        responses: {
            /** @description Done and charged. Token cost (action `outbound_call_single`): 1 token per request. */
            201: {
                headers: {
                    /** @description Tokens charged for this request */
                    "X-Tokens-Charged"?: number;
                    /** @description Balance after the charge */
                    "X-Tokens-Remaining"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CallDto"];
                };
            };
            /** @description VALIDATION_FAILED: the body (or the Idempotency-Key) is not valid; nothing is charged */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description INSUFFICIENT_TOKENS: balance below the cost; or the spend limit the caller spends through (the host’s `spendLimitOf`) would be passed; the work did not run */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description With an Idempotency-Key; nothing runs and nothing is charged. IDEMPOTENCY_KEY_REUSED: the key was used with another request. IDEMPOTENCY_IN_PROGRESS: the first request with the key has not finished (or its outcome could not be recorded). IDEMPOTENCY_ANSWER_UNAVAILABLE: the first request succeeded and was charged, but its answer was not kept */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: the body is not JSON; refused by the host (Fastify's parser, or the host's own check) before anything is charged */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 415,
                     *       "code": "UNSUPPORTED_MEDIA_TYPE",
                     *       "message": "Content-Type must be application/json"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description LEDGER_UNAVAILABLE: the database cannot be reached; nothing was charged and the work did not run (retry later) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 503,
                     *       "code": "LEDGER_UNAVAILABLE",
                     *       "message": "The token ledger is unavailable; the request was not served"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    ServicesController_collectBusinesses: {
        parameters: {
            query?: never;
            header?: {
                /** @description Repeating a key within 24 hours replays the first answer (header `Idempotent-Replayed: true`) and charges nothing more. If the work succeeded but its answer could not be stored, the first caller still gets it; a retry with the key is 409 IDEMPOTENCY_ANSWER_UNAVAILABLE and neither runs nor charges again (send a new key to run it again) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["BusinessCollectorDto"];
            };
        };
        responses: {
            /** @description Done and charged. Token cost (action `business_collector`): 20 tokens per started 100 leads. */
            201: {
                headers: {
                    /** @description Tokens charged for this request */
                    "X-Tokens-Charged"?: number;
                    /** @description Balance after the charge */
                    "X-Tokens-Remaining"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BusinessLeadsDto"];
                };
            };
            /** @description VALIDATION_FAILED: the body (or the Idempotency-Key) is not valid; nothing is charged */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description INSUFFICIENT_TOKENS: balance below the cost; or the spend limit the caller spends through (the host’s `spendLimitOf`) would be passed; the work did not run */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description With an Idempotency-Key; nothing runs and nothing is charged. IDEMPOTENCY_KEY_REUSED: the key was used with another request. IDEMPOTENCY_IN_PROGRESS: the first request with the key has not finished (or its outcome could not be recorded). IDEMPOTENCY_ANSWER_UNAVAILABLE: the first request succeeded and was charged, but its answer was not kept */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: the body is not JSON; refused by the host (Fastify's parser, or the host's own check) before anything is charged */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 415,
                     *       "code": "UNSUPPORTED_MEDIA_TYPE",
                     *       "message": "Content-Type must be application/json"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description LEDGER_UNAVAILABLE: the database cannot be reached; nothing was charged and the work did not run (retry later) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 503,
                     *       "code": "LEDGER_UNAVAILABLE",
                     *       "message": "The token ledger is unavailable; the request was not served"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    ServicesController_draftSocialPosts: {
        parameters: {
            query?: never;
            header?: {
                /** @description Repeating a key within 24 hours replays the first answer (header `Idempotent-Replayed: true`) and charges nothing more. If the work succeeded but its answer could not be stored, the first caller still gets it; a retry with the key is 409 IDEMPOTENCY_ANSWER_UNAVAILABLE and neither runs nor charges again (send a new key to run it again) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["DraftSocialPostsDto"];
            };
        };
        responses: {
            /** @description Done and charged. Token cost (action `social_media_post`): 10 tokens per request. */
            201: {
                headers: {
                    /** @description Tokens charged for this request */
                    "X-Tokens-Charged"?: number;
                    /** @description Balance after the charge */
                    "X-Tokens-Remaining"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SocialPostsDto"];
                };
            };
            /** @description VALIDATION_FAILED: the body (or the Idempotency-Key) is not valid; nothing is charged */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description INSUFFICIENT_TOKENS: balance below the cost; or the spend limit the caller spends through (the host’s `spendLimitOf`) would be passed; the work did not run */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description With an Idempotency-Key; nothing runs and nothing is charged. IDEMPOTENCY_KEY_REUSED: the key was used with another request. IDEMPOTENCY_IN_PROGRESS: the first request with the key has not finished (or its outcome could not be recorded). IDEMPOTENCY_ANSWER_UNAVAILABLE: the first request succeeded and was charged, but its answer was not kept */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: the body is not JSON; refused by the host (Fastify's parser, or the host's own check) before anything is charged */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 415,
                     *       "code": "UNSUPPORTED_MEDIA_TYPE",
                     *       "message": "Content-Type must be application/json"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description LEDGER_UNAVAILABLE: the database cannot be reached; nothing was charged and the work did not run (retry later) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 503,
                     *       "code": "LEDGER_UNAVAILABLE",
                     *       "message": "The token ledger is unavailable; the request was not served"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    ServicesController_seoTitle: {
        parameters: {
            query?: never;
            header?: {
                /** @description Repeating a key within 24 hours replays the first answer (header `Idempotent-Replayed: true`) and charges nothing more. If the work succeeded but its answer could not be stored, the first caller still gets it; a retry with the key is 409 IDEMPOTENCY_ANSWER_UNAVAILABLE and neither runs nor charges again (send a new key to run it again) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TextDto"];
            };
        };
        responses: {
            /** @description Done and charged. Token cost (action `generate_seo_title`): 300 tokens per request. */
            201: {
                headers: {
                    /** @description Tokens charged for this request */
                    "X-Tokens-Charged"?: number;
                    /** @description Balance after the charge */
                    "X-Tokens-Remaining"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SeoTitleDto"];
                };
            };
            /** @description VALIDATION_FAILED: the body (or the Idempotency-Key) is not valid; nothing is charged */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description INSUFFICIENT_TOKENS: balance below the cost; or the spend limit the caller spends through (the host’s `spendLimitOf`) would be passed; the work did not run */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description With an Idempotency-Key; nothing runs and nothing is charged. IDEMPOTENCY_KEY_REUSED: the key was used with another request. IDEMPOTENCY_IN_PROGRESS: the first request with the key has not finished (or its outcome could not be recorded). IDEMPOTENCY_ANSWER_UNAVAILABLE: the first request succeeded and was charged, but its answer was not kept */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: the body is not JSON; refused by the host (Fastify's parser, or the host's own check) before anything is charged */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 415,
                     *       "code": "UNSUPPORTED_MEDIA_TYPE",
                     *       "message": "Content-Type must be application/json"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description LEDGER_UNAVAILABLE: the database cannot be reached; nothing was charged and the work did not run (retry later) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 503,
                     *       "code": "LEDGER_UNAVAILABLE",
                     *       "message": "The token ledger is unavailable; the request was not served"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    ServicesController_metaDescription: {
        parameters: {
            query?: never;
            header?: {
                /** @description Repeating a key within 24 hours replays the first answer (header `Idempotent-Replayed: true`) and charges nothing more. If the work succeeded but its answer could not be stored, the first caller still gets it; a retry with the key is 409 IDEMPOTENCY_ANSWER_UNAVAILABLE and neither runs nor charges again (send a new key to run it again) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TextDto"];
            };
        };
        responses: {
            /** @description Done and charged. Token cost (action `generate_meta_description`): 400 tokens per request. */
            201: {
                headers: {
                    /** @description Tokens charged for this request */
                    "X-Tokens-Charged"?: number;
                    /** @description Balance after the charge */
                    "X-Tokens-Remaining"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MetaDescriptionDto"];
                };
            };
            /** @description VALIDATION_FAILED: the body (or the Idempotency-Key) is not valid; nothing is charged */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description INSUFFICIENT_TOKENS: balance below the cost; or the spend limit the caller spends through (the host’s `spendLimitOf`) would be passed; the work did not run */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description With an Idempotency-Key; nothing runs and nothing is charged. IDEMPOTENCY_KEY_REUSED: the key was used with another request. IDEMPOTENCY_IN_PROGRESS: the first request with the key has not finished (or its outcome could not be recorded). IDEMPOTENCY_ANSWER_UNAVAILABLE: the first request succeeded and was charged, but its answer was not kept */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: the body is not JSON; refused by the host (Fastify's parser, or the host's own check) before anything is charged */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 415,
                     *       "code": "UNSUPPORTED_MEDIA_TYPE",
                     *       "message": "Content-Type must be application/json"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description LEDGER_UNAVAILABLE: the database cannot be reached; nothing was charged and the work did not run (retry later) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 503,
                     *       "code": "LEDGER_UNAVAILABLE",
                     *       "message": "The token ledger is unavailable; the request was not served"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    ServicesController_rewrite: {
        parameters: {
            query?: never;
            header?: {
                /** @description Repeating a key within 24 hours replays the first answer (header `Idempotent-Replayed: true`) and charges nothing more. If the work succeeded but its answer could not be stored, the first caller still gets it; a retry with the key is 409 IDEMPOTENCY_ANSWER_UNAVAILABLE and neither runs nor charges again (send a new key to run it again) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TextDto"];
            };
        };
        responses: {
            /** @description Done and charged. Token cost (action `ai_rewrite`): 500 tokens per started 1,000 characters, at most 2,000 tokens. */
            201: {
                headers: {
                    /** @description Tokens charged for this request */
                    "X-Tokens-Charged"?: number;
                    /** @description Balance after the charge */
                    "X-Tokens-Remaining"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RewriteResultDto"];
                };
            };
            /** @description VALIDATION_FAILED: the body (or the Idempotency-Key) is not valid; nothing is charged */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description INSUFFICIENT_TOKENS: balance below the cost; or the spend limit the caller spends through (the host’s `spendLimitOf`) would be passed; the work did not run */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description With an Idempotency-Key; nothing runs and nothing is charged. IDEMPOTENCY_KEY_REUSED: the key was used with another request. IDEMPOTENCY_IN_PROGRESS: the first request with the key has not finished (or its outcome could not be recorded). IDEMPOTENCY_ANSWER_UNAVAILABLE: the first request succeeded and was charged, but its answer was not kept */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: the body is not JSON; refused by the host (Fastify's parser, or the host's own check) before anything is charged */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 415,
                     *       "code": "UNSUPPORTED_MEDIA_TYPE",
                     *       "message": "Content-Type must be application/json"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description LEDGER_UNAVAILABLE: the database cannot be reached; nothing was charged and the work did not run (retry later) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 503,
                     *       "code": "LEDGER_UNAVAILABLE",
                     *       "message": "The token ledger is unavailable; the request was not served"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    ServicesController_writeMore: {
        parameters: {
            query?: never;
            header?: {
                /** @description Repeating a key within 24 hours replays the first answer (header `Idempotent-Replayed: true`) and charges nothing more. If the work succeeded but its answer could not be stored, the first caller still gets it; a retry with the key is 409 IDEMPOTENCY_ANSWER_UNAVAILABLE and neither runs nor charges again (send a new key to run it again) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TextDto"];
            };
        };
        responses: {
            /** @description Done and charged. Token cost (action `write_more`): 1,500 tokens per request. */
            201: {
                headers: {
                    /** @description Tokens charged for this request */
                    "X-Tokens-Charged"?: number;
                    /** @description Balance after the charge */
                    "X-Tokens-Remaining"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WriteMoreResultDto"];
                };
            };
            /** @description VALIDATION_FAILED: the body (or the Idempotency-Key) is not valid; nothing is charged */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description INSUFFICIENT_TOKENS: balance below the cost; or the spend limit the caller spends through (the host’s `spendLimitOf`) would be passed; the work did not run */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description With an Idempotency-Key; nothing runs and nothing is charged. IDEMPOTENCY_KEY_REUSED: the key was used with another request. IDEMPOTENCY_IN_PROGRESS: the first request with the key has not finished (or its outcome could not be recorded). IDEMPOTENCY_ANSWER_UNAVAILABLE: the first request succeeded and was charged, but its answer was not kept */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: the body is not JSON; refused by the host (Fastify's parser, or the host's own check) before anything is charged */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 415,
                     *       "code": "UNSUPPORTED_MEDIA_TYPE",
                     *       "message": "Content-Type must be application/json"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description LEDGER_UNAVAILABLE: the database cannot be reached; nothing was charged and the work did not run (retry later) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 503,
                     *       "code": "LEDGER_UNAVAILABLE",
                     *       "message": "The token ledger is unavailable; the request was not served"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    ServicesController_findImage: {
        parameters: {
            query?: never;
            header?: {
                /** @description Repeating a key within 24 hours replays the first answer (header `Idempotent-Replayed: true`) and charges nothing more. If the work succeeded but its answer could not be stored, the first caller still gets it; a retry with the key is 409 IDEMPOTENCY_ANSWER_UNAVAILABLE and neither runs nor charges again (send a new key to run it again) */
                "Idempotency-Key"?: string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["FindImageDto"];
            };
        };
        responses: {
            /** @description Done and charged. Token cost (action `find_image`): 100 tokens per request. */
            201: {
                headers: {
                    /** @description Tokens charged for this request */
                    "X-Tokens-Charged"?: number;
                    /** @description Balance after the charge */
                    "X-Tokens-Remaining"?: number;
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ImageDto"];
                };
            };
            /** @description VALIDATION_FAILED: the body (or the Idempotency-Key) is not valid; nothing is charged */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description INSUFFICIENT_TOKENS: balance below the cost; or the spend limit the caller spends through (the host’s `spendLimitOf`) would be passed; the work did not run */
            402: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description With an Idempotency-Key; nothing runs and nothing is charged. IDEMPOTENCY_KEY_REUSED: the key was used with another request. IDEMPOTENCY_IN_PROGRESS: the first request with the key has not finished (or its outcome could not be recorded). IDEMPOTENCY_ANSWER_UNAVAILABLE: the first request succeeded and was charged, but its answer was not kept */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description UNSUPPORTED_MEDIA_TYPE: the body is not JSON; refused by the host (Fastify's parser, or the host's own check) before anything is charged */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 415,
                     *       "code": "UNSUPPORTED_MEDIA_TYPE",
                     *       "message": "Content-Type must be application/json"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
            /** @description LEDGER_UNAVAILABLE: the database cannot be reached; nothing was charged and the work did not run (retry later) */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 503,
                     *       "code": "LEDGER_UNAVAILABLE",
                     *       "message": "The token ledger is unavailable; the request was not served"
                     *     }
                     */
                    "application/json": components["schemas"]["TokensErrorBodyDto"];
                };
            };
        };
    };
    BillingController_packages: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TokenPackageDto"][];
                };
            };
        };
    };
    BillingController_checkout: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["CheckoutDto"];
            };
        };
        responses: {
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["CheckoutResultDto"];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description NOT_FOUND: no active package has this code */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "code": "NOT_FOUND",
                     *       "message": "User not found"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description TOO_MANY_REQUESTS: too many checkouts by this user (THROTTLE_CHECKOUT_PER_HOUR); `Retry-After` says when to try again. (503 RATE_LIMITS_UNAVAILABLE while the rate limits' Redis does not answer.) */
            429: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 429,
                     *       "code": "TOO_MANY_REQUESTS",
                     *       "message": "Too many requests; try again in 1 s",
                     *       "retryAfter": 1
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description SERVICE_FAILED: the payment provider refused or could not start the payment; the purchase is marked failed and nothing was charged */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 502,
                     *       "code": "SERVICE_FAILED",
                     *       "message": "The payment provider could not start the payment; nothing was charged"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description PAYMENTS_UNAVAILABLE: no payment provider is configured (PAYMENT_PROVIDER unset); nothing was written */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 503,
                     *       "code": "PAYMENTS_UNAVAILABLE",
                     *       "message": "No payment provider is configured (PAYMENT_PROVIDER): tokens cannot be bought on this server"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    BillingController_paymentWebhook: {
        parameters: {
            query?: never;
            header: {
                /** @description Hex HMAC-SHA256 of the raw request body with PAYMENT_WEBHOOK_SECRET */
                "X-Signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PaymentEventDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookResultDto"];
                };
            };
            /** @description VALIDATION_FAILED: correctly signed, but not a valid event */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description UNAUTHENTICATED: X-Signature missing or not the signature of this body; nothing changed */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description NOT_FOUND: PAYMENT_PROVIDER is not local; nothing changed */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "code": "NOT_FOUND",
                     *       "message": "User not found"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    BillingController_stripeWebhook: {
        parameters: {
            query?: never;
            header: {
                /** @description Stripe's signature of the raw body (`t=...,v1=...`), made with the endpoint's signing secret (STRIPE_WEBHOOK_SECRET) */
                "Stripe-Signature": string;
            };
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["StripeEventDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["WebhookResultDto"];
                };
            };
            /** @description VALIDATION_FAILED: Stripe-Signature missing or not valid for this body (nothing changed), or a signed body that is not a Stripe event */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description NOT_FOUND: PAYMENT_PROVIDER is not stripe */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 404,
                     *       "code": "NOT_FOUND",
                     *       "message": "User not found"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    BillingController_purchases: {
        parameters: {
            query?: {
                /** @description How many of the newest purchases to return */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PurchaseDto"][];
                };
            };
            /** @description VALIDATION_FAILED */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AutoTopUpController_get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AutoTopUpSettingDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    AutoTopUpController_put: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AutoTopUpDto"];
            };
        };
        responses: {
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AutoTopUpSettingDto"];
                };
            };
            /** @description VALIDATION_FAILED: a bad field, no active package with this code, or a monthly limit below the package's price; nothing changed */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 400,
                     *       "code": "VALIDATION_FAILED",
                     *       "message": "Validation failed: text",
                     *       "details": [
                     *         {
                     *           "field": "text",
                     *           "errors": [
                     *             "text must be a string"
                     *           ]
                     *         }
                     *       ]
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description UNAUTHENTICATED: missing, invalid or revoked credentials */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 401,
                     *       "code": "UNAUTHENTICATED",
                     *       "message": "Missing, invalid or revoked credentials"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
            /** @description NO_PAYMENT_METHOD: no card is saved (buy a package with saveCard: true first); nothing changed */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 409,
                     *       "code": "NO_PAYMENT_METHOD",
                     *       "message": "Automatic top-up needs a saved card: buy a package with saveCard: true first"
                     *     }
                     */
                    "application/json": components["schemas"]["ErrorBodyDto"];
                };
            };
        };
    };
    HealthController_check: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready: the database answers (on a Galera node: and the node is Synced) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "ok",
                     *       "info": {
                     *         "database": {
                     *           "status": "up",
                     *           "responseTime": 2
                     *         }
                     *       },
                     *       "error": {},
                     *       "details": {
                     *         "database": {
                     *           "status": "up",
                     *           "responseTime": 2
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["HealthReportDto"];
                };
            };
            /** @description SERVICE_UNAVAILABLE: not ready. The database does not answer within 1.5 s, or the server is a Galera node that is not Synced (Joining, Donor/Desynced, Joined), or the server is shutting down; `checks` names why */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 503,
                     *       "code": "SERVICE_UNAVAILABLE",
                     *       "message": "Not ready: database: Galera node not synced: Joining (wsrep_local_state 1); ready only when Synced (4)",
                     *       "checks": {
                     *         "database": {
                     *           "status": "down",
                     *           "wsrep_local_state": 1,
                     *           "wsrep_local_state_comment": "Joining",
                     *           "responseTime": 2,
                     *           "message": "Galera node not synced: Joining (wsrep_local_state 1); ready only when Synced (4)"
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["NotReadyBodyDto"];
                };
            };
        };
    };
    HealthController_ready: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Ready: the database answers (on a Galera node: and the node is Synced) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "status": "ok",
                     *       "info": {
                     *         "database": {
                     *           "status": "up",
                     *           "responseTime": 2
                     *         }
                     *       },
                     *       "error": {},
                     *       "details": {
                     *         "database": {
                     *           "status": "up",
                     *           "responseTime": 2
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["HealthReportDto"];
                };
            };
            /** @description SERVICE_UNAVAILABLE: not ready. The database does not answer within 1.5 s, or the server is a Galera node that is not Synced (Joining, Donor/Desynced, Joined), or the server is shutting down; `checks` names why */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    /**
                     * @example {
                     *       "statusCode": 503,
                     *       "code": "SERVICE_UNAVAILABLE",
                     *       "message": "Not ready: database: Galera node not synced: Joining (wsrep_local_state 1); ready only when Synced (4)",
                     *       "checks": {
                     *         "database": {
                     *           "status": "down",
                     *           "wsrep_local_state": 1,
                     *           "wsrep_local_state_comment": "Joining",
                     *           "responseTime": 2,
                     *           "message": "Galera node not synced: Joining (wsrep_local_state 1); ready only when Synced (4)"
                     *         }
                     *       }
                     *     }
                     */
                    "application/json": components["schemas"]["NotReadyBodyDto"];
                };
            };
        };
    };
    HealthController_live: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The process runs */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LivenessDto"];
                };
            };
        };
    };
}
