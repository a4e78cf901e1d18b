// Hull's own libraries (npm hull 0.14 with hull-client 2.0 and jwt-simple) as a local server the
// conformance tests talk to over loopback. Prints {"port":N} on its first stdout line.
//   POST /firehose             captures the product's firehose POSTs
//   POST /client-firehose      captures hull-client's firehose POSTs
//   POST /_verify              {secrets:{<connector id>:<secret>}}: every captured product POST,
//                              each message's token decoded (signature checked) by jwt-simple
//   POST /_client              {id, secret, organization, calls:[{asUser?, asAccount?, traits}]}:
//                              the same calls through hull-client; its captured POSTs, tokens decoded
//   POST /smart-notifier       hull-node's smart-notifier middleware and its error middleware
"use strict";
const path = require("path");
const http = require("http");
const fromHull = (name) => require(require.resolve(name, { paths: [path.dirname(require.resolve("hull"))] }));
const fromClient = (name) => require(require.resolve(name, { paths: [path.dirname(require.resolve("hull-client"))] }));
const express = fromHull("express");
const { smartNotifierMiddleware, smartNotifierErrorMiddleware } = require("hull/lib/utils");
const HullClient = require("hull-client");
const jwt = fromClient("jwt-simple");

const productPosts = [];
const clientPosts = [];
let port = 0;

const capture = (into) => (req, res) => {
  into.push({ headers: req.headers, body: req.body });
  res.json({ ok: true });
};

function decodeAll(post, secret) {
  return (post.body.batch || []).map((message) => {
    try {
      // jwt-simple's decode verifies the HS256 signature with the secret and throws when it differs.
      return { type: message.type, body: message.body, keys: Object.keys(message), claims: jwt.decode(message.headers["Hull-Access-Token"], secret) };
    } catch (e) {
      return { type: message.type, error: String(e.message || e) };
    }
  });
}

const describe = (post, secret) => ({
  headers: {
    "hull-app-id": post.headers["hull-app-id"],
    "hull-access-token-matches": post.headers["hull-access-token"] === secret,
    "hull-organization": post.headers["hull-organization"],
  },
  keys: Object.keys(post.body),
  messages: decodeAll(post, secret),
});

const app = express();
app.post("/firehose", express.json({ limit: "20mb" }), capture(productPosts));
app.post("/client-firehose", express.json({ limit: "20mb" }), capture(clientPosts));

app.post("/_verify", express.json(), (req, res) => {
  const secrets = req.body.secrets || {};
  const posts = productPosts.splice(0, productPosts.length);
  res.json(posts.map((post) => describe(post, secrets[post.headers["hull-app-id"]] || "")));
});

app.post("/_client", express.json(), async (req, res) => {
  const { id, secret, organization, calls } = req.body;
  try {
    const client = new HullClient({ id, secret, organization, firehoseUrl: `http://127.0.0.1:${port}/client-firehose`, flushAfter: 10, flushAt: 100 });
    await Promise.all(calls.map((call) => {
      const scoped = call.asUser ? client.asUser(call.asUser) : client.asAccount(call.asAccount);
      return (call.asUser && call.asAccount ? scoped.account(call.asAccount) : scoped).traits(call.traits);
    }));
    const posts = clientPosts.splice(0, clientPosts.length);
    res.json(posts.map((post) => describe(post, secret)));
  } catch (e) {
    res.status(500).json({ error: String(e.stack || e) });
  }
});

app.post("/smart-notifier",
  smartNotifierMiddleware({ skipSignatureValidation: false }),
  (req, res) => res.json({ flow_control: { type: "next", size: 10, in: 1 }, metrics: [], errors: [] }),
  smartNotifierErrorMiddleware());

const server = http.createServer(app);
server.listen(0, "127.0.0.1", () => {
  port = server.address().port;
  process.stdout.write(JSON.stringify({ port }) + "\n");
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
