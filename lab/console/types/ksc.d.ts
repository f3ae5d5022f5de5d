// Input for fork-ts-checker (run by ksc build:prod); the console build compiles no TypeScript of ours.
export {};
