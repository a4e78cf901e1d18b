// How the storage emulator's table inserts cost more as a table grows (docs/scaling.md, "Flat in N").
// Azurite keeps each table's rows in one LokiJS collection with sorted binary indices on PartitionKey
// and RowKey; every insert splices them, so it moves whole arrays. With --patched the collection is
// made as the tests' and benchmarks' emulator makes it (eng/azurite-patches.cjs: a key map instead).
// Run: NODE_PATH=node_modules node eng/lokijs-insert-cost.js [rows] [--patched]
const patched = process.argv.includes("--patched");
if (patched) {
  require("./azurite-patches.cjs");
}
const loki = require("lokijs");

const rows = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 600000);
const step = 100000;
const collection = new loki("cost").addCollection("entities", { indices: ["PartitionKey", "RowKey"] });
console.log(patched ? "entity collection as patched (key map)" : "entity collection as Azurite makes it (binary indices)");
let started = process.hrtime.bigint();
for (let i = 1; i <= rows; i++) {
  collection.insert({ PartitionKey: "connector", RowKey: "enduser_" + Math.random().toString(36).slice(2), value: i });
  if (i % step === 0) {
    const now = process.hrtime.bigint();
    console.log(`${i.toLocaleString("en")} rows: ${(Number(now - started) / 1e3 / step).toFixed(1)} µs per insert over the last ${step.toLocaleString("en")}`);
    started = now;
  }
}

started = process.hrtime.bigint();
const lookups = 10000;
for (let i = 0; i < lookups; i++) {
  collection.findOne({ RowKey: "enduser_missing" + i, PartitionKey: "connector" });
}
console.log(`point lookup at ${rows.toLocaleString("en")} rows: ${(Number(process.hrtime.bigint() - started) / 1e3 / lookups).toFixed(1)} µs`);
