// How the storage emulator's table inserts cost more as a table grows (docs/scaling.md, "Flat in N").
// Azurite keeps each table's rows in one LokiJS collection with a sorted RowKey index; every insert
// splices that index, so it moves the whole array. Run: NODE_PATH=node_modules node eng/lokijs-insert-cost.js
const loki = require("lokijs");

const rows = Number(process.argv[2] ?? 600000);
const step = 100000;
const collection = new loki("cost").addCollection("entities", { indices: ["RowKey"] });
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
