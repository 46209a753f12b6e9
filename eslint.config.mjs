import js from "@eslint/js";
import { defineConfig } from "eslint/config";
import { createTypeScriptImportResolver } from "eslint-import-resolver-typescript";
import importX from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

// The house rule for imports (README, "How it is built"): a feature imports the plumbing and the core, never
// another feature; the core never imports a feature; the plumbing never imports a feature, except the
// composition roots that wire them all.
const features = [
  "activity",
  "enrichment",
  "error-feed",
  "export",
  "funnel",
  "pulse",
  "quota",
  "rollup",
  "tenant-settings",
  "tenants",
  "usage",
  "viewer",
];
const featureDirs = features.map((feature) => `src/${feature}`);
const core = "src/daily-usage";
const compositionRoots = ["src/main.ts", "src/server/schema.ts", "src/server/gateway.ts", "src/server/emit-schema.ts"];
const plumbing = ["src/server", "src/db", "src/auth", "src/config.ts", "src/errors.ts", "src/logger.ts"];
const rule = "a feature imports the plumbing and the core (src/daily-usage), never another feature";

const zones = [
  ...features.map((feature) => ({
    target: `src/${feature}`,
    from: featureDirs.filter((dir) => dir !== `src/${feature}`),
    message: `src/${feature} reaches into another feature: ${rule}.`,
  })),
  { target: core, from: featureDirs, message: `The core serves the features and cannot know them: ${rule}.` },
  {
    // Tests' helpers start gateways and build fixtures; nothing that ships may depend on them.
    target: ["src/!(test)/**/!(*.test).ts", "src/!(*.test).ts"],
    from: "src/test",
    message: "src/test is for tests (*.test.ts) only: it is not built into dist/.",
  },
];
const plumbingZone = {
  target: plumbing,
  from: featureDirs,
  message: `The plumbing cannot know a feature; only the composition roots (${compositionRoots.join(", ")}) wire them in.`,
};

// import-x's no-cycle skips edges that only import types, but a cycle through types still ties two modules
// together (the three cycles all ran through `import type`): this wrapper makes every import count.
function asValueImports(ast) {
  for (const statement of ast.body) {
    if (statement.type === "ImportDeclaration" || statement.type === "TSImportEqualsDeclaration") {
      statement.importKind = "value";
      for (const specifier of statement.specifiers ?? []) specifier.importKind = "value";
    } else if (statement.type === "ExportNamedDeclaration" || statement.type === "ExportAllDeclaration") {
      statement.exportKind = "value";
      for (const specifier of statement.specifiers ?? []) specifier.exportKind = "value";
    }
  }
  return ast;
}
const valueImportsParser = {
  meta: { name: "typescript-eslint/parser, every import counted as a value import" },
  parseForESLint(code, options) {
    const parsed = tseslint.parser.parseForESLint(code, options);
    return { ...parsed, ast: asValueImports(parsed.ast) };
  },
};
const noCycle = importX.rules["no-cycle"];
const noCycleCountingTypes = {
  meta: noCycle.meta,
  create(context) {
    // The imported modules are parsed with the parser above; the linted file's own imports are copied as values.
    const languageOptions = { ...context.languageOptions, parser: valueImportsParser };
    const listeners = noCycle.create(Object.create(context, { languageOptions: { value: languageOptions } }));
    const asValue = (node) =>
      node.type === "ImportDeclaration" || node.type === "TSImportEqualsDeclaration"
        ? { ...node, importKind: "value", specifiers: node.specifiers?.map((s) => ({ ...s, importKind: "value" })) }
        : node;
    return Object.fromEntries(
      Object.entries(listeners).map(([selector, listener]) => [selector, (node) => listener(asValue(node))]),
    );
  },
};

export default defineConfig(
  {
    ignores: [
      "dist/",
      "node_modules/",
      "src/db/generated/",
      "src/test/gql/",
      "web/src/gql/",
      "web-dist/",
      ".data/",
      "coverage/",
    ],
  },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        // prisma.config.ts is outside tsconfig.json's include (the Prisma CLI loads it on its own).
        projectService: { allowDefaultProject: ["prisma.config.ts"] },
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      "@typescript-eslint/no-unsafe-function-type": "off",
      // Apollo's plugin hooks and the routes' handlers are async by their interfaces, whether or not they await.
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["**/*.ts"],
    plugins: { "import-x": importX, house: { rules: { "no-cycle": noCycleCountingTypes } } },
    settings: {
      "import-x/extensions": [".ts", ".js"],
      "import-x/resolver-next": [createTypeScriptImportResolver({ project: "tsconfig.json" })],
      "import-x/ignore": ["node_modules", "src/db/generated/"],
    },
    rules: {
      "house/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-restricted-paths": ["error", { basePath: import.meta.dirname, zones: [...zones, plumbingZone] }],
    },
  },
  {
    files: compositionRoots,
    rules: { "import-x/no-restricted-paths": ["error", { basePath: import.meta.dirname, zones: zones }] },
  },
  {
    // config.ts is the app's one reader of the environment. src/test is the tests' configuration (which database,
    // what a spawned gateway inherits), so tests read it through src/test. bench/, scripts/ and the tools' config
    // files are programs of their own, outside the app, and read their environment directly.
    files: ["src/**/*.ts"],
    ignores: ["src/config.ts", "src/test/**"],
    rules: {
      "no-restricted-properties": [
        "error",
        {
          object: "process",
          property: "env",
          message: "Only src/config.ts reads process.env (tests: src/test); take the value from the Config instead.",
        },
      ],
      "no-restricted-imports": [
        "error",
        ...["process", "node:process"].map((name) => ({
          name,
          importNames: ["env"],
          message: "Only src/config.ts reads process.env (tests: src/test); take the value from the Config instead.",
        })),
      ],
    },
  },
  {
    files: ["**/*.{js,mjs,cjs}"],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    files: ["scripts/**/*.js"],
    languageOptions: {
      globals: {
        require: "readonly",
        module: "readonly",
        process: "readonly",
        console: "readonly",
        __dirname: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
);
