// autocannon's workers take an onResponse as a file to `require`: this one is the flow's.
export { keepHoldId as 'module.exports' } from './request-plan.js';
