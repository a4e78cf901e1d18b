// Preloaded into every in-memory Azurite (node -r) that the tests, the benchmarks and .ci/run start.
// It mends five costs of the emulator that Azure Storage does not have, all on its only thread; it
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

const byKey = (a, b) => compareKeys(a.pk, a.rk, b.pk, b.rk);

/** The first position of `entries` (in key order) whose key is at or after (pk, rk). */
function lowerBound(entries, pk, rk) {
  let low = 0, high = entries.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (compareKeys(entries[mid].pk, entries[mid].rk, pk, rk) < 0) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low;
}

/**
 * The (PartitionKey, RowKey, $loki) of every row of one collection, in key order. Inserts wait in a
 * map, sorted apart when a query comes and read beside the main list; deletes only mark their entry.
 * Both are folded into the main list once they amount to an eighth of it, so a query after a few
 * inserts into a table of 600,000 rows no longer copies all 600,000 (each insert and delete used to
 * cost O(rows): a merge or a splice). Updates keep keys and $loki, so need nothing. When its count of
 * live rows ever differs from the collection's, it is rebuilt.
 */
class KeyIndex {
  constructor(collection) {
    this.collection = collection;
    this.rebuild();
    collection.on("insert", (docs) => {
      for (const doc of Array.isArray(docs) ? docs : [docs]) {
        this.pending.set(doc.$loki, { pk: doc.PartitionKey, rk: doc.RowKey, id: doc.$loki, dead: false });
      }
      this.pendingSorted = null;
    });
    collection.on("delete", (doc) => this.remove(doc));
  }

  rebuild() {
    this.pending = new Map();
    this.pendingSorted = null;
    this.dead = 0;
    this.sorted = this.collection.data.map((doc) => ({ pk: doc.PartitionKey, rk: doc.RowKey, id: doc.$loki, dead: false }));
    this.sorted.sort(byKey);
  }

  remove(doc) {
    if (this.pending.delete(doc.$loki)) {
      this.pendingSorted = null;
      return;
    }

    for (let at = lowerBound(this.sorted, doc.PartitionKey, doc.RowKey); at < this.sorted.length; at++) {
      const entry = this.sorted[at];
      if (entry.pk !== doc.PartitionKey || entry.rk !== doc.RowKey) {
        return;
      }
      if (entry.id === doc.$loki && !entry.dead) {
        entry.dead = true;
        this.dead++;
        return;
      }
    }
  }

  /** Sorts the waiting inserts, folds them and the marked deletes in once they are many; rebuilds if the counts disagree. */
  settle() {
    if (this.sorted.length - this.dead + this.pending.size !== this.collection.data.length) {
      this.rebuild();
      return;
    }

    if (this.pendingSorted === null) {
      this.pendingSorted = [...this.pending.values()].sort(byKey);
    }

    if (this.pending.size + this.dead > Math.max(1024, this.sorted.length >>> 3)) {
      this.sorted = [...this.from("", "")]; // every live entry, listed and waiting, in key order
      this.pending = new Map();
      this.pendingSorted = [];
      this.dead = 0;
    }
  }

  /** The live entries at or after (pk, rk), in key order (call settle first). */
  *from(pk, rk) {
    const main = this.sorted, waiting = this.pendingSorted;
    let i = lowerBound(main, pk, rk), j = lowerBound(waiting, pk, rk);
    while (i < main.length || j < waiting.length) {
      const entry = j >= waiting.length || (i < main.length && byKey(main[i], waiting[j]) <= 0) ? main[i++] : waiting[j++];
      if (!entry.dead) {
        yield entry;
      }
    }
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
  for (const entry of index.from(pk, fromRow)) {
    if (result.length > maxResults || entry.pk !== pk || (toRow !== undefined && entry.rk > toRow)) {
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

// 5. Replace in place. Azurite replaces an entity (Update, or an upsert of a row that exists) by
//    removing the old document and inserting the new one; LokiJS removes by splicing its data and id
//    arrays, so every replace moved the whole table: 210 µs a row in a table of 20,000 rows, 2,500 µs
//    in one of 600,000 (a replayed portfolio rewrites its sync-state rows). The new document now takes
//    the old one's place ($loki kept: same keys, same position), as Azurite's merge already does. The
//    checks, the ETag, the Timestamp and the batch's rollback (which keeps the old document) are Azurite's.
const StorageErrorFactory = require(path.join(path.dirname(tableStoreModule), "..", "errors", "StorageErrorFactory.js")).default;
const updateTableEntity = LokiTableMetadataStore.prototype.updateTableEntity;
LokiTableMetadataStore.prototype.updateTableEntity = async function replaceInPlace(context, table, account, entity, ifMatch, batchId) {
  const entities = this.getEntityCollection(account, table, context);
  if (entities.cloneObjects || !keyMaps.has(entities)) {
    return updateTableEntity.apply(this, arguments);
  }

  const doc = entities.findOne({ RowKey: entity.RowKey, PartitionKey: entity.PartitionKey });
  if (!doc) {
    throw StorageErrorFactory.getEntityNotFound(context);
  }
  if (batchId !== "") {
    this.transactionRollbackTheseEntities.push(doc);
  }

  const encodedIfMatch = ifMatch === undefined ? undefined : this.encodeIfMatch(ifMatch);
  if (encodedIfMatch !== undefined && encodedIfMatch !== "*" && this.encodeIfMatch(doc.eTag) !== encodedIfMatch) {
    throw StorageErrorFactory.getPreconditionFailed(context);
  }

  entity.properties.Timestamp = entity.lastModifiedTime;
  entity.properties["Timestamp@odata.type"] = "Edm.DateTime";
  entity.$loki = doc.$loki;
  entity.meta = { ...doc.meta };
  entities.update(entity);
  return entity;
};
