/** Moved to common/ (the web config file uses it too); kept here so prober imports stay short. */
export * from '../../common/config-walk.js';
