/**
 * One binary min-heap of targets ordered by their next due time: the scheduler arms a single
 * timer for the earliest entry instead of one timer per target. Entries know their own index so a
 * removed target leaves the heap in O(log n).
 */
export interface DueEntry {
  nextDue: number;
  /** Position in the heap; -1 when not queued. */
  heapIndex: number;
}

export class DueQueue<T extends DueEntry> {
  private readonly heap: T[] = [];

  get size(): number {
    return this.heap.length;
  }

  peek(): T | undefined {
    return this.heap[0];
  }

  push(entry: T): void {
    entry.heapIndex = this.heap.length;
    this.heap.push(entry);
    this.up(entry.heapIndex);
  }

  pop(): T | undefined {
    const top = this.heap[0];
    if (top !== undefined) this.removeAt(0);
    return top;
  }

  remove(entry: T): void {
    if (entry.heapIndex >= 0 && this.heap[entry.heapIndex] === entry) this.removeAt(entry.heapIndex);
  }

  /** Call after changing `entry.nextDue` while it is queued. */
  update(entry: T): void {
    this.down(entry.heapIndex);
    this.up(entry.heapIndex);
  }

  private removeAt(index: number): void {
    const removed = this.heap[index]!;
    const last = this.heap.pop()!;
    removed.heapIndex = -1;
    if (last === removed) return;
    this.heap[index] = last;
    last.heapIndex = index;
    this.down(index);
    this.up(last.heapIndex);
  }

  private up(index: number): void {
    const heap = this.heap;
    const entry = heap[index]!;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex]!;
      if (parent.nextDue <= entry.nextDue) break;
      heap[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    heap[index] = entry;
    entry.heapIndex = index;
  }

  private down(index: number): void {
    const heap = this.heap;
    const length = heap.length;
    const entry = heap[index]!;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= length) break;
      const right = left + 1;
      const child = right < length && heap[right]!.nextDue < heap[left]!.nextDue ? right : left;
      const childEntry = heap[child]!;
      if (childEntry.nextDue >= entry.nextDue) break;
      heap[index] = childEntry;
      childEntry.heapIndex = index;
      index = child;
    }
    heap[index] = entry;
    entry.heapIndex = index;
  }
}
