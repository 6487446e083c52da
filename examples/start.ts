// `npm start`: the chapter 11 lab (examples/chapter11/lab); `npm start -- --quick` runs the reduced version.
import { main } from './chapter11/lab/main.js';

process.exitCode = await main(process.argv.slice(2));
