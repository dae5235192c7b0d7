/**
 * Sample payloads, shaped like the real ones (field names and nesting as the providers document them; ids,
 * times and the unique parts are stamped per event by profiles.ts). Stripe sends pretty-printed JSON, the
 * others compact JSON (Twilio form-encoded), so the bytes look like each sender's.
 */

export interface SampleEvent {
  /** Event name as `--event` takes it and `--list-events` prints it. */
  type: string;
  description: string;
  contentType: string;
  body: string;
}

const JSON_TYPE = 'application/json';
const JSON_UTF8 = 'application/json; charset=utf-8';
const FORM = 'application/x-www-form-urlencoded';

const stripeEvent = (type: string, object: string): string => `{
  "id": "evt_placeholder",
  "object": "event",
  "api_version": "2024-06-20",
  "created": 1700000000,
  "data": {
    "object": ${object.replace(/\n/g, '\n    ')}
  },
  "livemode": false,
  "pending_webhooks": 1,
  "request": {
    "id": "req_8ZbC1mQpQvB2xA",
    "idempotency_key": "8d3c1f9e-2b7a-4c56-9e11-3f0d2a6b7c84"
  },
  "type": "${type}"
}`;

export const STRIPE: SampleEvent[] = [
  {
    type: 'payment_intent.succeeded',
    description: 'a PaymentIntent was paid',
    contentType: JSON_UTF8,
    body: stripeEvent('payment_intent.succeeded', `{
  "id": "pi_3PqR8sLkdIwHu7ix0",
  "object": "payment_intent",
  "amount": 2000,
  "amount_received": 2000,
  "capture_method": "automatic",
  "client_secret": "pi_3PqR8sLkdIwHu7ix0_secret_x",
  "created": 1700000000,
  "currency": "usd",
  "customer": "cus_Q8hsl3kd9sK2m",
  "description": "Order #1042",
  "latest_charge": "ch_3PqR8sLkdIwHu7ix0",
  "livemode": false,
  "metadata": {
    "order_id": "1042"
  },
  "payment_method": "pm_1PqR8rLkdIwHu7ixZ",
  "payment_method_types": [
    "card"
  ],
  "status": "succeeded"
}`),
  },
  {
    type: 'checkout.session.completed',
    description: 'a Checkout Session finished',
    contentType: JSON_UTF8,
    body: stripeEvent('checkout.session.completed', `{
  "id": "cs_test_a1B2c3D4e5F6g7H8",
  "object": "checkout.session",
  "amount_subtotal": 4900,
  "amount_total": 4900,
  "client_reference_id": null,
  "created": 1700000000,
  "currency": "usd",
  "customer": "cus_Q8hsl3kd9sK2m",
  "customer_details": {
    "email": "jenny@example.com",
    "name": "Jenny Rosen"
  },
  "livemode": false,
  "mode": "subscription",
  "payment_status": "paid",
  "status": "complete",
  "subscription": "sub_1PqR9aLkdIwHu7ix",
  "url": null
}`),
  },
  {
    type: 'customer.subscription.updated',
    description: 'a subscription changed (plan, status, renewal)',
    contentType: JSON_UTF8,
    body: stripeEvent('customer.subscription.updated', `{
  "id": "sub_1PqR9aLkdIwHu7ix",
  "object": "subscription",
  "cancel_at_period_end": false,
  "created": 1700000000,
  "currency": "usd",
  "current_period_end": 1702592000,
  "current_period_start": 1700000000,
  "customer": "cus_Q8hsl3kd9sK2m",
  "items": {
    "object": "list",
    "data": [
      {
        "id": "si_QhR4m2kLs9",
        "object": "subscription_item",
        "price": {
          "id": "price_1PqR7xLkdIwHu7ix",
          "object": "price",
          "currency": "usd",
          "product": "prod_QhR3pro",
          "unit_amount": 4900
        },
        "quantity": 1
      }
    ]
  },
  "livemode": false,
  "status": "active"
}`),
  },
  {
    type: 'invoice.paid',
    description: 'an invoice was paid',
    contentType: JSON_UTF8,
    body: stripeEvent('invoice.paid', `{
  "id": "in_1PqRAbLkdIwHu7ix",
  "object": "invoice",
  "amount_due": 4900,
  "amount_paid": 4900,
  "amount_remaining": 0,
  "billing_reason": "subscription_cycle",
  "created": 1700000000,
  "currency": "usd",
  "customer": "cus_Q8hsl3kd9sK2m",
  "customer_email": "jenny@example.com",
  "hosted_invoice_url": "https://invoice.stripe.com/i/acct_1/test_x",
  "livemode": false,
  "number": "A1B2C3D4-0007",
  "paid": true,
  "status": "paid",
  "subscription": "sub_1PqR9aLkdIwHu7ix"
}`),
  },
];

const GH_REPO =
  '{"id":786512345,"node_id":"R_kgDOLuBzmQ","name":"shop","full_name":"octo-org/shop","private":false,' +
  '"owner":{"login":"octo-org","id":9919,"type":"Organization"},"html_url":"https://github.com/octo-org/shop",' +
  '"default_branch":"main","pushed_at":1700000000}';
const GH_SENDER = '{"login":"octocat","id":583231,"node_id":"MDQ6VXNlcjU4MzIzMQ==","type":"User","site_admin":false}';

export const GITHUB: SampleEvent[] = [
  {
    type: 'push',
    description: 'commits pushed to a branch',
    contentType: JSON_TYPE,
    body:
      '{"ref":"refs/heads/main","before":"9049f1265b7d61be4a8904a9a27120d2064dab3b",' +
      '"after":"0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c","repository":' + GH_REPO + ',' +
      '"pusher":{"name":"octocat","email":"octocat@github.com"},"sender":' + GH_SENDER + ',' +
      '"created":false,"deleted":false,"forced":false,"compare":"https://github.com/octo-org/shop/compare/9049f1265b7d...0d1a26e67d8f",' +
      '"commits":[{"id":"0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c","message":"Fix the checkout total",' +
      '"timestamp":"2026-11-29T10:00:00Z","author":{"name":"Mona","email":"mona@example.com","username":"mona"},' +
      '"added":[],"removed":[],"modified":["src/checkout.ts"]}],' +
      '"head_commit":{"id":"0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c","message":"Fix the checkout total",' +
      '"timestamp":"2026-11-29T10:00:00Z"}}',
  },
  {
    type: 'pull_request',
    description: 'a pull request was opened',
    contentType: JSON_TYPE,
    body:
      '{"action":"opened","number":42,"pull_request":{"id":2045678901,"number":42,"state":"open","locked":false,' +
      '"title":"Add webhook retries","user":' + GH_SENDER + ',"body":"Retries with backoff.","draft":false,' +
      '"head":{"ref":"retries","sha":"6dcb09b5b57875f334f61aebed695e2e4193db5e"},' +
      '"base":{"ref":"main","sha":"9049f1265b7d61be4a8904a9a27120d2064dab3b"},"merged":false,"commits":3,' +
      '"additions":120,"deletions":8,"changed_files":4,"html_url":"https://github.com/octo-org/shop/pull/42"},' +
      '"repository":' + GH_REPO + ',"sender":' + GH_SENDER + '}',
  },
  {
    type: 'issues',
    description: 'an issue was opened',
    contentType: JSON_TYPE,
    body:
      '{"action":"opened","issue":{"id":1990123456,"number":7,"title":"Checkout total is wrong","user":' + GH_SENDER + ',' +
      '"labels":[{"id":1,"name":"bug","color":"d73a4a"}],"state":"open","comments":0,"body":"Steps to reproduce…",' +
      '"html_url":"https://github.com/octo-org/shop/issues/7"},"repository":' + GH_REPO + ',"sender":' + GH_SENDER + '}',
  },
  {
    type: 'ping',
    description: 'sent when a webhook is created',
    contentType: JSON_TYPE,
    body:
      '{"zen":"Design for failure.","hook_id":471234567,"hook":{"type":"Repository","id":471234567,"name":"web",' +
      '"active":true,"events":["push","pull_request"],"config":{"content_type":"json","insecure_ssl":"0",' +
      '"url":"https://example.com/webhooks/github"}},"repository":' + GH_REPO + ',"sender":' + GH_SENDER + '}',
  },
];

export const SHOPIFY: SampleEvent[] = [
  {
    type: 'orders/create',
    description: 'an order was placed',
    contentType: JSON_TYPE,
    body:
      '{"id":820982911946154508,"admin_graphql_api_id":"gid://shopify/Order/820982911946154508","email":"jon@example.com",' +
      '"created_at":"2026-11-29T10:00:00-05:00","currency":"USD","current_total_price":"398.00","financial_status":"paid",' +
      '"fulfillment_status":null,"name":"#9999","order_number":1234,"subtotal_price":"388.00","total_price":"398.00",' +
      '"total_tax":"0.00","customer":{"id":115310627314723954,"email":"john@example.com","first_name":"John","last_name":"Smith"},' +
      '"line_items":[{"id":866550311766439020,"name":"Aviator sunglasses","price":"199.00","product_id":788032119674292922,' +
      '"quantity":1,"sku":"SKU2006-001","variant_id":null},{"id":141249953214522974,"name":"Mid-century lounger",' +
      '"price":"199.00","product_id":788032119674292922,"quantity":1,"sku":"SKU2006-020","variant_id":null}],' +
      '"shipping_address":{"city":"Ottawa","country_code":"CA","zip":"K2P 1L4"}}',
  },
];

export const SLACK: SampleEvent[] = [
  {
    type: 'event_callback',
    description: 'an Events API event (app_mention)',
    contentType: JSON_TYPE,
    body:
      '{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","team_id":"T061EG9R6","api_app_id":"A0PNCHHK2","event":{"type":"app_mention",' +
      '"user":"U061F7AUR","text":"<@U0LAN0Z89> is it everything a river should be?","ts":"1700000000.000200",' +
      '"channel":"C0LAN2Q65","event_ts":"1700000000.000200"},"type":"event_callback","event_id":"Ev0PV52K25",' +
      '"event_time":1700000000,"authorizations":[{"enterprise_id":null,"team_id":"T061EG9R6","user_id":"U0LAN0Z89",' +
      '"is_bot":true,"is_enterprise_install":false}],"is_ext_shared_channel":false}',
  },
  {
    type: 'url_verification',
    description: 'the handshake Slack sends when the request URL is set (echo the challenge)',
    contentType: JSON_TYPE,
    body: '{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}',
  },
];

const userCreated = (type: string): string =>
  `{"type":"${type}","timestamp":"2026-11-29T10:00:00.000Z","data":{"id":"user_2Nq8T4xYzv","email":"ada@example.com","name":"Ada Lovelace","created_at":"2026-11-29T10:00:00.000Z"}}`;

export const STANDARD_WEBHOOKS: SampleEvent[] = [
  { type: 'user.created', description: 'a generic *.created event', contentType: JSON_TYPE, body: userCreated('user.created') },
  {
    type: 'invoice.created',
    description: 'a generic *.created event with an amount',
    contentType: JSON_TYPE,
    body: '{"type":"invoice.created","timestamp":"2026-11-29T10:00:00.000Z","data":{"id":"inv_8d2Kq1","customer_id":"cus_41","amount":4900,"currency":"USD"}}',
  },
];

export const SVIX: SampleEvent[] = [
  { type: 'user.created', description: 'a Clerk-style user.created event', contentType: JSON_TYPE, body: userCreated('user.created') },
];

export const TWILIO: SampleEvent[] = [
  {
    type: 'message.status',
    description: 'a message status callback (delivered)',
    contentType: FORM,
    body:
      'SmsSid=SM1f0e8ae6ade43cb3c0ce4525424e404f&SmsStatus=delivered&MessageStatus=delivered&To=%2B15558675310' +
      '&MessagingServiceSid=MG3a4f8e9b2c1d0e7f6a5b4c3d2e1f0a9b&MessageSid=SM1f0e8ae6ade43cb3c0ce4525424e404f' +
      '&AccountSid=AC25e16e9a716a4a1786a7c83f58e30482&From=%2B15017122661&ApiVersion=2010-04-01',
  },
  {
    type: 'message.incoming',
    description: 'an incoming SMS',
    contentType: FORM,
    body:
      'ToCountry=US&ToState=CA&SmsMessageSid=SM9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d&NumMedia=0&ToCity=&FromZip=94105' +
      '&SmsSid=SM9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d&FromState=CA&SmsStatus=received&FromCity=SAN+FRANCISCO' +
      '&Body=Hello+from+hookdev&FromCountry=US&To=%2B15558675310&NumSegments=1&MessageSid=SM9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d' +
      '&AccountSid=AC25e16e9a716a4a1786a7c83f58e30482&From=%2B15017122661&ApiVersion=2010-04-01',
  },
];

export const PADDLE: SampleEvent[] = [
  {
    type: 'transaction.completed',
    description: 'a transaction was completed',
    contentType: JSON_TYPE,
    body:
      '{"event_id":"evt_01hv8x2a9c7cr9rwz6kjp3mzpq","event_type":"transaction.completed","occurred_at":"2026-11-29T10:00:00.000000Z",' +
      '"notification_id":"ntf_01hv8x2ajk4q8r7f2ccq9b3wqv","data":{"id":"txn_01hv8wptq8987qeep44cyrewp9","status":"completed",' +
      '"customer_id":"ctm_01hv6y1jedq4p1n0yqn5ba3ky4","currency_code":"USD","origin":"web","subscription_id":null,' +
      '"items":[{"price":{"id":"pri_01gsz8x8sawmvhz1pv30nge1ke","unit_price":{"amount":"3000","currency_code":"USD"}},"quantity":1}],' +
      '"details":{"totals":{"subtotal":"3000","tax":"0","total":"3000","currency_code":"USD"}},' +
      '"created_at":"2026-11-29T09:59:58.000000Z","updated_at":"2026-11-29T10:00:00.000000Z"}}',
  },
  {
    type: 'subscription.created',
    description: 'a subscription was created',
    contentType: JSON_TYPE,
    body:
      '{"event_id":"evt_01hv8x2a9c7cr9rwz6kjp3mzpr","event_type":"subscription.created","occurred_at":"2026-11-29T10:00:00.000000Z",' +
      '"notification_id":"ntf_01hv8x2ajk4q8r7f2ccq9b3wqw","data":{"id":"sub_01hv8y5ehszzq0yv20ttx3166y","status":"active",' +
      '"customer_id":"ctm_01hv6y1jedq4p1n0yqn5ba3ky4","currency_code":"USD","billing_cycle":{"interval":"month","frequency":1},' +
      '"items":[{"price":{"id":"pri_01gsz8x8sawmvhz1pv30nge1ke"},"quantity":1,"status":"active"}],' +
      '"created_at":"2026-11-29T10:00:00.000000Z"}}',
  },
];

export const LINEAR: SampleEvent[] = [
  {
    type: 'Issue',
    description: 'an issue was created',
    contentType: JSON_UTF8,
    body:
      '{"action":"create","actor":{"id":"2e6eea91-1111-0000-9486-acea0603064d","type":"user","name":"Ada"},' +
      '"createdAt":"2026-11-29T10:00:00.000Z","data":{"id":"2174add1-f7c8-44e3-bbf3-2d60b5ea8bc9","identifier":"ENG-42",' +
      '"title":"Retry failed webhooks","priority":2,"teamId":"72b2a2dc-6f4f-4423-9d34-24b5bd10634a","stateId":"9a1e2c3d",' +
      '"createdAt":"2026-11-29T10:00:00.000Z"},"url":"https://linear.app/acme/issue/ENG-42","type":"Issue",' +
      '"organizationId":"e2f5a1c0-7d3b-4e59-8a6f-1b2c3d4e5f60","webhookTimestamp":1700000000000,' +
      '"webhookId":"000042e3-d123-4980-b49f-8e140eef9329"}',
  },
];

export const SQUARE: SampleEvent[] = [
  {
    type: 'payment.created',
    description: 'a payment was created',
    contentType: JSON_TYPE,
    body:
      '{"merchant_id":"6SSW7HV8K2ST5","type":"payment.created","event_id":"13b867cf-db3d-4b1c-90b6-2f32a9d78124",' +
      '"created_at":"2026-11-29T10:00:00.000Z","data":{"type":"payment","id":"KkAkhdMsgzn59SM8A89WgKwekxLZY",' +
      '"object":{"payment":{"id":"hYy9pRFVxpDsO1FB05SunFWUe9JZY","amount_money":{"amount":100,"currency":"USD"},' +
      '"status":"APPROVED","source_type":"CARD","location_id":"S8GWD5R9QB376","order_id":"03O3USaPaAaFnI6kkwB1JxGgBsUZY",' +
      '"created_at":"2026-11-29T10:00:00.000Z","version":0}}}}',
  },
];

export const ZOOM: SampleEvent[] = [
  {
    type: 'meeting.started',
    description: 'a meeting started',
    contentType: JSON_TYPE,
    body:
      '{"event":"meeting.started","event_ts":1700000000000,"payload":{"account_id":"AAAAAABBBB","object":' +
      '{"id":"1234567890","uuid":"4444AAAiAAAAAiAiAiiAii==","host_id":"x1yCzABCDEfg23HiJKl4mN","topic":"Launch review",' +
      '"type":2,"start_time":"2026-11-29T10:00:00Z","timezone":"UTC","duration":60}}}',
  },
  {
    type: 'endpoint.url_validation',
    description: 'the URL validation handshake (answer with plainToken + encryptedToken)',
    contentType: JSON_TYPE,
    body: '{"payload":{"plainToken":"qgg8vlvZRS6UYooatFL8Aw"},"event_ts":1700000000000,"event":"endpoint.url_validation"}',
  },
];

export const TYPEFORM: SampleEvent[] = [
  {
    type: 'form_response',
    description: 'a form was submitted',
    contentType: JSON_TYPE,
    body:
      '{"event_id":"01HZ7Q8W1N0QK4M5Y0J9X2V3B4","event_type":"form_response","form_response":{"form_id":"lT4Z3j",' +
      '"token":"a3a12ec67a1365927098a606107fac15","landed_at":"2026-11-29T09:59:00Z","submitted_at":"2026-11-29T10:00:00Z",' +
      '"definition":{"id":"lT4Z3j","title":"Feedback","fields":[{"id":"DlXFaesGBpoF","title":"How likely are you to recommend us?",' +
      '"type":"opinion_scale","ref":"nps"}]},"answers":[{"type":"number","number":9,"field":{"id":"DlXFaesGBpoF",' +
      '"type":"opinion_scale","ref":"nps"}}]}}',
  },
];

export const INTERCOM: SampleEvent[] = [
  {
    type: 'conversation.user.created',
    description: 'a user started a conversation',
    contentType: JSON_TYPE,
    body:
      '{"type":"notification_event","app_id":"ecahpwf5","data":{"type":"notification_event_data","item":{"type":"conversation",' +
      '"id":"147","created_at":1700000000,"state":"open","source":{"type":"conversation","body":"<p>Hi, my order is late</p>",' +
      '"author":{"type":"user","id":"5310d8e7598c9a0b24000002"}}}},"links":{},"id":"notif_ccd8a4d0-f965-11e3-a367-c779cae3e1b3",' +
      '"topic":"conversation.user.created","delivery_status":"pending","delivery_attempts":1,"delivered_at":0,' +
      '"first_sent_at":1700000000,"created_at":1700000000,"self":null}',
  },
];

export const GITLAB: SampleEvent[] = [
  {
    type: 'push',
    description: 'a Push Hook',
    contentType: JSON_TYPE,
    body:
      '{"object_kind":"push","event_name":"push","before":"95790bf891e76fee5e1747ab589903a6a1f80f22",' +
      '"after":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","ref":"refs/heads/main","checkout_sha":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7",' +
      '"user_id":4,"user_name":"John Smith","user_username":"jsmith","project_id":15,"project":{"id":15,"name":"Diaspora",' +
      '"path_with_namespace":"mike/diaspora","default_branch":"main","web_url":"https://gitlab.example.com/mike/diaspora"},' +
      '"commits":[{"id":"da1560886d4f094c3e6c9ef40349f7d38b5d27d7","message":"fixed readme","timestamp":"2026-11-29T10:00:00+00:00",' +
      '"author":{"name":"GitLab dev user","email":"gitlabdev@dv6b.example"}}],"total_commits_count":1}',
  },
];

export const DISCORD: SampleEvent[] = [
  {
    type: 'PING',
    description: 'the interaction PING (answer {"type":1})',
    contentType: JSON_TYPE,
    body: '{"id":"1179100000000000000","application_id":"1179000000000000000","type":1,"token":"aW50ZXJhY3Rpb246MTE3OTEwMDAwMDAwMDAwMDAwMA","version":1}',
  },
  {
    type: 'APPLICATION_COMMAND',
    description: 'a slash command',
    contentType: JSON_TYPE,
    body:
      '{"id":"1179100000000000001","application_id":"1179000000000000000","type":2,"data":{"id":"771825006014889984",' +
      '"name":"ping","type":1},"guild_id":"290926798626357250","channel_id":"645027906669510667","member":{"user":' +
      '{"id":"53908232506183680","username":"mason","global_name":"Mason"},"roles":[]},' +
      '"token":"aW50ZXJhY3Rpb246MTE3OTEwMDAwMDAwMDAwMDAwMQ","version":1}',
  },
];

export const GENERIC: SampleEvent[] = [
  {
    type: 'test.event',
    description: 'a small generic JSON event',
    contentType: JSON_TYPE,
    body: '{"id":"evt_placeholder","type":"test.event","created":1700000000,"data":{"message":"hello from hookdev send","amount":1000}}',
  },
];
