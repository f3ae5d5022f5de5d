// node-forge's per-module files carry no types of their own; forge.ts gives them the package's type.
declare module 'node-forge/lib/*';
