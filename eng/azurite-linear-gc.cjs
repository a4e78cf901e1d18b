// Preloaded into Azurite (node -r): its garbage collector deletes unreferenced extents one at a
// time, and each delete scans and re-indexes the extent metadata collection, so a GC pass costs
// (messages since the last pass) x (extents held). Every queue message is an extent: past about
// 10,000 messages a minute, a pass blocks the emulator's only thread for minutes and every client
// times out. This deletes a pass's extents in one batch (one scan, one re-index). Only the in-memory
// store is patched; on-disk instances keep Azurite's own code.
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
