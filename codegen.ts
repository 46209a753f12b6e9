import type { CodegenConfig } from "@graphql-codegen/cli";

/** The documents' settings both outputs share. */
const clientPreset = {
  preset: "client",
  presetConfig: { fragmentMasking: false },
  config: {
    scalars: { Date: "string", DateTime: "string" },
    enumsAsTypes: true,
    useTypeImports: true,
    avoidOptionals: { field: true, inputValue: false, object: false },
  },
} as const;

/**
 * Typed documents from the committed schema.graphql: for every operation the tests, the benchmark and the README's
 * examples send (src/test/gql), and for the dashboards' (web/src/gql, bundled into the page).
 * `npm run codegen` rewrites both; a test fails when either is stale.
 */
const config: CodegenConfig = {
  schema: "schema.graphql",
  ignoreNoDocuments: true,
  generates: {
    "src/test/gql/": { ...clientPreset, documents: ["src/**/*.test.ts", "bench/**/*.ts", "docs/examples.graphql"] },
    "web/src/gql/": { ...clientPreset, documents: ["web/src/**/*.{ts,tsx}", "!web/src/gql/**"] },
  },
};

export default config;
