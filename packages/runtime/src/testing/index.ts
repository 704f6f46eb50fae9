export { runJobKilledAt } from './kill-at.js';
