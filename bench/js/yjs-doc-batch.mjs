// `ysync doc batch JOBFILE` done by the real yjs 13.6.33 (node_modules of the repository root): the yjs side of the
// batch comparison of issue 17 (bench/js/doc-batch-job.mjs writes the job). Handles the document commands `json`
// (--roots NAME=KIND with KIND text, array, map, xmlfragment), `state` [--v2] and `sv`, each with [--no-gc] [--in-v2]:
// reads each job's files, applies them with Y.applyUpdate (Y.applyUpdateV2) to a fresh Y.Doc (clientID 1234567891)
// and writes the command's output to the job's output path, a failure to `<path>.err`.
//
//   node bench/js/yjs-doc-batch.mjs JOBFILE
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const Y = await import(path.join(repoRoot, 'node_modules', 'yjs', 'dist', 'yjs.mjs'))

const jobFile = process.argv[2]
if (!jobFile) {
  console.error('usage: node bench/js/yjs-doc-batch.mjs JOBFILE')
  process.exit(2)
}

const runJob = ([command, ...args]) => {
  let gc = true
  let inV2 = false
  let v2 = false
  let roots = null
  const files = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]
    if (a === '--no-gc') gc = false
    else if (a === '--in-v2') inV2 = true
    else if (a === '--v2') v2 = true
    else if (a === '--roots') roots = args[++i].split(',').map(r => r.split('='))
    else files.push(a)
  }
  const doc = new Y.Doc({ gc })
  doc.clientID = 1234567891
  for (const f of files) {
    const u = fs.readFileSync(f)
    if (inV2) Y.applyUpdateV2(doc, u)
    else Y.applyUpdate(doc, u)
  }
  switch (command) {
    case 'json': {
      const o = {}
      for (const [name, kind] of roots) {
        o[name] = kind === 'text' ? doc.getText(name).toString()
          : kind === 'xmlfragment' ? doc.getXmlFragment(name).toString()
            : kind === 'array' ? doc.getArray(name).toJSON()
              : doc.getMap(name).toJSON()
      }
      return Buffer.from(JSON.stringify(o))
    }
    case 'state': return v2 ? Y.encodeStateAsUpdateV2(doc) : Y.encodeStateAsUpdate(doc)
    case 'sv': return Y.encodeStateVector(doc)
    default: throw new Error(`unsupported command ${command}`)
  }
}

const lines = fs.readFileSync(jobFile, 'utf8').split('\n').filter(l => l.trim() !== '')
for (const line of lines) {
  const [out, ...argv] = line.split('\t')
  try {
    fs.writeFileSync(out, runJob(argv))
  } catch (e) {
    fs.writeFileSync(`${out}.err`, String(e && e.message) + '\n')
  }
}
