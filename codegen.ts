import type { CodegenConfig } from "@graphql-codegen/cli";

/**
 * Typed documents for every operation the tests, the benchmark and the
 * README's examples send, from the committed schema.graphql.
 * `npm run codegen` rewrites src/test/gql; a test fails when it is stale.
 */
const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["src/**/*.test.ts", "bench/**/*.ts", "docs/examples.graphql"],
  ignoreNoDocuments: true,
  generates: {
    "src/test/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        scalars: { Date: "string", DateTime: "string" },
        enumsAsTypes: true,
        useTypeImports: true,
        avoidOptionals: { field: true, inputValue: false, object: false },
      },
    },
  },
};

export default config;
