// Preloaded into every in-memory Azurite (node -r) that the tests, the benchmarks and .ci/run start.
// It mends four costs of the emulator that Azure Storage does not have, all on its only thread; it
// changes no answer the emulator gives. See docs/scaling.md, "Why the emulator stalled".
//
// 1. Extent GC. Azurite's garbage collector deletes unreferenced extents one at a time, and each
//    delete scans and re-indexes the extent metadata collection, so a GC pass costs (messages since
//    the last pass) x (extents held). Every queue message is an extent: past about 10,000 messages a
//    minute, a pass blocks the emulator for minutes and every client times out. This deletes a pass's
//    extents in one batch (one scan, one re-index).
//
// 2. Removing nothing. Before every receive, update and delete of a message, Azurite removes the
//    queue's expired messages with `collection.remove(found)`, and `found` is almost always empty.
//    LokiJS handles any batch removal, an empty one included, by re-sorting every binary index of the
//    collection (the messages collection has four), so each queue operation cost O(n log n) in the
//    messages held across all queues (2,000 deletes among 5,000 messages: 7.1 s of LokiJS alone, 0.25 s
//    with this). An empty removal now returns at once; a non-empty one is unchanged.
"use strict";
const path = require("path");
const storeModule = path.join(__dirname, "..", "node_modules", "azurite", "dist", "src", "common", "persistence", "MemoryExtentStore.js");
const MemoryExtentStore = require(storeModule).default;

MemoryExtentStore.prototype.deleteExtents = async function deleteExtentsInOneBatch(extents) {
  const ids = new Set(extents);
  for (const id of ids) {
    this.chunks.delete(this.categoryName, id);
  }

  const metadata = this.metadataStore;
  const collection = metadata && metadata.db && metadata.db.getCollection(metadata.EXTENTS_COLLECTION);
  if (!collection) {
    for (const id of ids) {
      await metadata.deleteExtent(id);
    }
    return ids.size;
  }

  collection.chain().where((extent) => ids.has(extent.id)).remove();
  return ids.size;
};

const loki = require(require.resolve("lokijs", { paths: [path.dirname(require.resolve(path.join(__dirname, "..", "node_modules", "azurite", "package.json")))] }));
const removeBatchByPositions = loki.Collection.prototype.removeBatchByPositions;
loki.Collection.prototype.removeBatchByPositions = function removeNothingCheaply(positions) {
  if (Array.isArray(positions) && positions.length === 0) {
    return;
  }

  return removeBatchByPositions.call(this, positions);
};

// 3. Key-ordered queries. Azurite answers every table query by running the filter's interpreted
//    tree over every entity of the table and sorting all the matches, on each page: reading a
//    partition of 1,000,000 rows 1,000 at a time cost a million interpretations and a sort per page,
//    where Azure reads a partition by key. When the filter is a conjunction (no `or`, no `not`) that
//    fixes PartitionKey, the rows are now visited in key order from the first key the filter (and the
//    continuation) allows, through a key index kept beside the collection, and the visit stops at the
//    page's size or the filter's last RowKey. Each visited row still passes Azurite's own filter, so
//    the page holds the same rows, in the same order, with the same continuation. Other filters keep
//    Azurite's scan, with the key bounds (when there are any) checked first by plain string compares.
const tableStoreModule = path.join(__dirname, "..", "node_modules", "azurite", "dist", "src", "table", "persistence", "LokiTableMetadataStore.js");
const LokiTableMetadataStore = require(tableStoreModule).default;
const QueryGenerator = require(path.join(path.dirname(tableStoreModule), "LokiTableStoreQueryGenerator.js")).default;
const queryTableEntities = LokiTableMetadataStore.prototype.queryTableEntities;

/** The PartitionKey/RowKey comparisons a conjunctive OData filter requires; null when there are none or the filter is not a plain conjunction. */
function keyChecks(filter) {
  if (typeof filter !== "string" || filter.length === 0) {
    return null;
  }

  const literals = [];
  const skeleton = filter.replace(/'((?:[^']|'')*)'/g, (_, text) => {
    literals.push(text.replace(/''/g, "'"));
    return ` \u0001${literals.length - 1} `;
  });
  if (/\b(or|not)\b/i.test(skeleton)) {
    return null;
  }

  const checks = [];
  const comparison = /(?:^|[\s(])(PartitionKey|RowKey)\s+(eq|ge|gt|le|lt)\s+\u0001(\d+)\s/g;
  for (let match; (match = comparison.exec(skeleton)) !== null;) {
    checks.push({ key: match[1], op: match[2], value: literals[Number(match[3])] });
  }

  return checks.length === 0 ? null : checks;
}

function passes(entity, checks) {
  for (const { key, op, value } of checks) {
    const actual = entity[key];
    if (actual === undefined || actual === null) {
      return false;
    }

    const ok = op === "eq" ? actual === value : op === "ge" ? actual >= value : op === "gt" ? actual > value : op === "le" ? actual <= value : actual < value;
    if (!ok) {
      return false;
    }
  }

  return true;
}

function compareKeys(pk1, rk1, pk2, rk2) {
  return pk1 < pk2 ? -1 : pk1 > pk2 ? 1 : rk1 < rk2 ? -1 : rk1 > rk2 ? 1 : 0;
}

/**
 * The (PartitionKey, RowKey, $loki) of every row of one collection, in key order. Inserts wait in a
 * list merged in at the next query; deletes leave at once; updates keep keys and $loki, so need nothing.
 * When its size ever differs from the collection's, it is rebuilt.
 */
class KeyIndex {
  constructor(collection) {
    this.collection = collection;
    this.rebuild();
    collection.on("insert", (docs) => {
      for (const doc of Array.isArray(docs) ? docs : [docs]) {
        this.pending.push({ pk: doc.PartitionKey, rk: doc.RowKey, id: doc.$loki });
      }
    });
    collection.on("delete", (doc) => this.remove(doc));
  }

  rebuild() {
    this.pending = [];
    this.sorted = this.collection.data.map((doc) => ({ pk: doc.PartitionKey, rk: doc.RowKey, id: doc.$loki }));
    this.sorted.sort((a, b) => compareKeys(a.pk, a.rk, b.pk, b.rk));
  }

  remove(doc) {
    const waiting = this.pending.findIndex((entry) => entry.id === doc.$loki);
    if (waiting >= 0) {
      this.pending.splice(waiting, 1);
      return;
    }

    const at = this.lowerBound(doc.PartitionKey, doc.RowKey);
    if (at < this.sorted.length && this.sorted[at].id === doc.$loki) {
      this.sorted.splice(at, 1);
    }
  }

  /** Merges waiting inserts in; rebuilds if the index and the collection disagree on the count. */
  settle() {
    if (this.pending.length > 0) {
      this.pending.sort((a, b) => compareKeys(a.pk, a.rk, b.pk, b.rk));
      const merged = new Array(this.sorted.length + this.pending.length);
      let i = 0, j = 0, k = 0;
      while (i < this.sorted.length && j < this.pending.length) {
        merged[k++] = compareKeys(this.sorted[i].pk, this.sorted[i].rk, this.pending[j].pk, this.pending[j].rk) <= 0 ? this.sorted[i++] : this.pending[j++];
      }
      while (i < this.sorted.length) merged[k++] = this.sorted[i++];
      while (j < this.pending.length) merged[k++] = this.pending[j++];
      this.sorted = merged;
      this.pending = [];
    }

    if (this.sorted.length !== this.collection.data.length) {
      this.rebuild();
    }
  }

  /** The first position whose key is at or after (pk, rk). */
  lowerBound(pk, rk) {
    let low = 0, high = this.sorted.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compareKeys(this.sorted[mid].pk, this.sorted[mid].rk, pk, rk) < 0) {
        low = mid + 1;
      } else {
        high = mid;
      }
    }
    return low;
  }
}

function keyIndexOf(collection) {
  if (!collection.__hullPlanhatKeyIndex) {
    collection.__hullPlanhatKeyIndex = new KeyIndex(collection);
  }
  return collection.__hullPlanhatKeyIndex;
}

LokiTableMetadataStore.prototype.queryTableEntities = async function queryInKeyOrder(context, account, table, queryOptions, nextPartitionKey, nextRowKey) {
  const checks = keyChecks(queryOptions && queryOptions.filter);
  if (checks === null) {
    return queryTableEntities.apply(this, arguments);
  }

  const entities = this.getEntityCollection(account, table, context);
  const partition = checks.find((c) => c.key === "PartitionKey" && c.op === "eq");
  if (partition === undefined || entities.cloneObjects) {
    // Azurite's own query, on a view holding only the rows within the key bounds.
    const chain = entities.chain.bind(entities);
    entities.chain = function chainOfRowsWithinBounds() {
      entities.chain = chain;
      return chain().where((entity) => passes(entity, checks));
    };
    try {
      return await queryTableEntities.apply(this, arguments);
    } finally {
      entities.chain = chain;
    }
  }

  const queryWhere = QueryGenerator.generateQueryForPersistenceLayer(queryOptions, context);
  const maxResults = this.getMaxResultsOption(queryOptions);
  const continuedPartition = this.decodeContinuationHeader(nextPartitionKey);
  const continuedRow = this.decodeContinuationHeader(nextRowKey);
  const pk = partition.value;
  let fromRow = "";
  for (const check of checks) {
    if (check.key === "RowKey" && (check.op === "ge" || check.op === "gt" || check.op === "eq") && check.value > fromRow) {
      fromRow = check.value;
    }
  }
  const toRow = checks.filter((c) => c.key === "RowKey" && (c.op === "le" || c.op === "lt" || c.op === "eq")).reduce((min, c) => (min === undefined || c.value < min ? c.value : min), undefined);
  if (continuedPartition !== undefined) {
    if (continuedPartition > pk) {
      return [[], undefined, undefined];
    }
    if (continuedPartition === pk && continuedRow !== undefined && continuedRow > fromRow) {
      fromRow = continuedRow;
    }
  }

  const index = keyIndexOf(entities);
  index.settle();
  const result = [];
  for (let at = index.lowerBound(pk, fromRow); at < index.sorted.length && result.length <= maxResults; at++) {
    const entry = index.sorted[at];
    if (entry.pk !== pk || (toRow !== undefined && entry.rk > toRow)) {
      break;
    }

    const doc = entities.get(entry.id);
    if (doc && passes(doc, checks) && queryWhere(doc)) {
      result.push(doc);
    }
  }

  const response = this.adjustQueryResultforTop(result, maxResults);
  return [result, response.nextPartitionKeyResponse, response.nextRowKeyResponse];
};

// 4. Point lookups by key. Azurite gives each table's entity collection LokiJS binary indices on
//    PartitionKey and RowKey, and finds a row by findOne({ RowKey, PartitionKey }) through the RowKey
//    one. LokiJS keeps every binary index sorted on each insert, update and delete, so an insert moves
//    the whole index and a delete also renumbers it (eng/lokijs-insert-cost.js: 16 µs per insert at
//    100,000 rows, 105 µs at 600,000, on the emulator's only thread). New entity collections get no
//    binary index; a map from (PartitionKey, RowKey) to the row's $loki, kept by LokiJS's insert and
//    delete events (an update keeps both keys), answers those lookups. Key-ordered queries use the key
//    index of 3; any other lookup or filter scans, as LokiJS does without an index.
const keyMaps = new WeakMap();
const keyOf = (partitionKey, rowKey) => `${partitionKey}\u0000${rowKey}`;

function attachKeyMap(collection) {
  const map = new Map();
  for (const doc of collection.data) {
    map.set(keyOf(doc.PartitionKey, doc.RowKey), doc.$loki);
  }
  collection.on("insert", (docs) => {
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      map.set(keyOf(doc.PartitionKey, doc.RowKey), doc.$loki);
    }
  });
  collection.on("delete", (doc) => {
    const key = keyOf(doc.PartitionKey, doc.RowKey);
    if (map.get(key) === doc.$loki) {
      map.delete(key);
    }
  });
  keyMaps.set(collection, map);
}

const addCollection = loki.prototype.addCollection;
loki.prototype.addCollection = function addEntityCollectionWithKeyMap(name, options) {
  const entities = options && Array.isArray(options.indices) && options.indices.includes("PartitionKey") && options.indices.includes("RowKey");
  if (!entities) {
    return addCollection.call(this, name, options);
  }

  const collection = addCollection.call(this, name, { ...options, indices: options.indices.filter((index) => index !== "PartitionKey" && index !== "RowKey") });
  attachKeyMap(collection);
  return collection;
};

const findOne = loki.Collection.prototype.findOne;
loki.Collection.prototype.findOne = function findOneByKeyMap(query) {
  const map = keyMaps.get(this);
  if (map === undefined || this.cloneObjects || !query || typeof query.PartitionKey !== "string" || typeof query.RowKey !== "string" || Object.keys(query).length !== 2) {
    return findOne.call(this, query);
  }

  const id = map.get(keyOf(query.PartitionKey, query.RowKey));
  const doc = id === undefined ? null : this.get(id);
  return doc && doc.PartitionKey === query.PartitionKey && doc.RowKey === query.RowKey ? doc : null;
};
