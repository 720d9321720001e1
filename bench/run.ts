// `npm run bench`: every benchmark of the project, printed as one table.
import { benchScoring } from './scoring.bench.js';
import { printTable } from './table.js';

printTable([...benchScoring()]);
