/** Moved to common/ (flags and the web config use it too). */
export * from '../common/duration.js';
