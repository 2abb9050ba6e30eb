import { francAll } from 'franc';
const t = process.argv[2];
console.log(francAll(t, { only: ['eng','fra','spa','ita','por','deu','nld','pol','ron','tgl','som','vie','tur','hat','swh','ind','cat'], minLength: 1 }).slice(0,4));
console.log(francAll(t, { minLength: 1 }).slice(0,4));
