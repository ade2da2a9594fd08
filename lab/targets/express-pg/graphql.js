// The shop's read-only GraphQL API, POST /api/v1/graphql: graphql-js for the schema and graphql-http
// (the GraphQL-over-HTTP reference server) for the endpoint. Both variants serve the same schema and
// resolvers; introspection is the one difference, marked `FLAW INV-007` / `FIX INV-007`.
'use strict';

const {
  GraphQLError, GraphQLFloat, GraphQLInt, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema,
  GraphQLString, NoSchemaIntrospectionCustomRule,
} = require('graphql');
const { createHandler } = require('graphql-http/lib/use/express');

const PRODUCT_COLUMNS = 'sku, name, price_eur';

// type Query { products: [Product], product(sku: Int!): Product } over the products table
function schema(pool) {
  const Product = new GraphQLObjectType({
    name: 'Product',
    fields: {
      sku: { type: new GraphQLNonNull(GraphQLInt) },
      name: { type: new GraphQLNonNull(GraphQLString) },
      price_eur: { type: new GraphQLNonNull(GraphQLFloat) },
    },
  });
  const Query = new GraphQLObjectType({
    name: 'Query',
    fields: {
      products: {
        type: new GraphQLList(Product),
        resolve: async () => (await pool.query(`SELECT ${PRODUCT_COLUMNS} FROM products ORDER BY sku`)).rows,
      },
      product: {
        type: Product,
        args: { sku: { type: new GraphQLNonNull(GraphQLInt) } },
        resolve: async (_, { sku }) => (await pool.query(`SELECT ${PRODUCT_COLUMNS} FROM products WHERE sku = $1`,
          [sku])).rows[0] ?? null,
      },
    },
  });
  return new GraphQLSchema({ query: Query });
}

// A resolver's own error (the database's, say) is logged and answered as "internal error"; the
// GraphQL errors (syntax, validation, request) keep their message. graphql-http never sends a stack.
function formatError(err) {
  if (!(err instanceof GraphQLError) || !err.originalError || err.originalError instanceof GraphQLError) return err;
  console.error(err.originalError);
  return new GraphQLError('internal error', { nodes: err.nodes, path: err.path });
}

function handler({ vulnerable, pool }) {
  // FLAW INV-007: graphql-js answers introspection (__schema, __type) unless told otherwise
  // FIX INV-007: a validation rule rejects every introspection field before execution
  const validationRules = vulnerable ? [] : [NoSchemaIntrospectionCustomRule];
  return createHandler({ schema: schema(pool), validationRules, formatError });
}

module.exports = { handler };
