/** What the node knows of the channel: peers, evidence of misbehaviour, the agreement and its codebook. */
import { codebookFor, CODE_LISTS, type CodeList } from '../protocol/codebook.js';
import type { NodeApi } from '../node/node-api.js';
import type { ApiApp } from './api-app.js';
import { READERS } from './roles.js';
import { CodebookQuery } from './schemas.js';

export function registerChannelRoutes(app: ApiApp, node: NodeApi): void {
  app.get('/peers', {
    config: { roles: READERS },
    schema: { tags: ['channel'], summary: 'Each peer: reachability, pending deliveries, mirror lag, witnessing, alarms' },
  }, async () => node.peers());

  app.get('/evidence', {
    config: { roles: READERS },
    schema: { tags: ['channel'], summary: 'Evidence of misbehaviour this node kept (forks, equivocation, forged statements)' },
  }, async () => node.evidence());

  app.get('/agreement', {
    config: { roles: READERS },
    schema: { tags: ['channel'], summary: 'The agreement in force' },
  }, async () => node.agreement);

  const codebook = codebookFor(node.agreement.codebook);
  app.get('/codebook', {
    config: { roles: READERS },
    schema: { tags: ['channel'], summary: "The agreement's codebook, labelled in one language (English when a label is missing)", querystring: CodebookQuery },
  }, async (request) => {
    const lang = request.query.lang ?? 'en';
    const lists = Object.fromEntries(CODE_LISTS.map((list: CodeList) => [list, codebook.lists[list].map((e) => ({
      code: e.code,
      label: e.labels[lang] ?? e.labels.en ?? e.code,
      ...(e.descriptions ? { description: e.descriptions[lang] ?? e.descriptions.en } : {}),
    }))]));
    return { version: codebook.version, lang, lists };
  });
}
