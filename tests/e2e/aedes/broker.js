// SPDX-License-Identifier: Apache-2.0
// The aedes MQTT 3.1.1 broker for the end-to-end tests (tests/e2e/harness.py, AedesBroker):
// TCP and WebSocket listeners on the loopback ports the config names, password auth, and the
// same ThingSpeak-like ACL as the mosquitto the harness starts.
//
//   node broker.js CONFIG.json
//   CONFIG: {"tcp": PORT, "ws": PORT, "users": {"NAME": "PASSWORD"},
//            "acl": {"NAME": [{"topic": "FILTER", "read": true, "write": false}]}}
//
// Prints "aedes ready" on stdout once every listener listens; logs refusals on stderr.
'use strict'

const fs = require('fs')
const Aedes = require('aedes')
const { createServer } = require('aedes-server-factory')

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'))

// Does the ACL pattern cover the topic or filter? '+' and '#' in the pattern stand for any
// level(s); a wildcard in the filter is covered only by a wildcard of the pattern.
function covers (pattern, topic) {
  const p = pattern.split('/')
  const t = topic.split('/')
  for (let i = 0; i < p.length; i++) {
    if (p[i] === '#') return true
    if (i >= t.length) return false
    if (t[i] === '#') return false
    if (p[i] === '+') continue
    if (p[i] !== t[i]) return false
  }
  return p.length === t.length
}

function allowed (client, topic, access) {
  const rules = (client && config.acl[client.user]) || []
  return rules.some((rule) => rule[access] && covers(rule.topic, topic))
}

const broker = new Aedes({
  authenticate (client, username, password, done) {
    const known = Object.prototype.hasOwnProperty.call(config.users, username || '')
    if (known && password && password.toString() === config.users[username]) {
      client.user = username
      return done(null, true)
    }
    const error = new Error('bad user name or password')
    error.returnCode = 4
    console.error(`aedes: refused ${client ? client.id : '?'}: bad user name or password`)
    done(error, false)
  },
  // A refused publish closes the connection (aedes' behaviour in 3.1.1; mosquitto drops it).
  authorizePublish (client, packet, done) {
    if (allowed(client, packet.topic, 'write')) return done(null)
    console.error(`aedes: refused publish to ${packet.topic} by ${client.user}`)
    done(new Error('publish not authorized'))
  },
  // A refused filter gets SUBACK 0x80 and the connection stays open.
  authorizeSubscribe (client, sub, done) {
    if (allowed(client, sub.topic, 'read')) return done(null, sub)
    console.error(`aedes: refused subscription to ${sub.topic} by ${client.user}`)
    done(null, null)
  },
  authorizeForward (client, packet) {
    return allowed(client, packet.topic, 'read') ? packet : null
  }
})

const servers = [createServer(broker)]
if (config.ws) servers.push(createServer(broker, { ws: true }))
const ports = [config.tcp].concat(config.ws ? [config.ws] : [])

let listening = 0
servers.forEach((server, i) => {
  server.on('error', (error) => {
    console.error(`aedes: cannot listen on 127.0.0.1:${ports[i]}: ${error.message}`)
    process.exit(1)
  })
  server.listen(ports[i], '127.0.0.1', () => {
    listening += 1
    if (listening === servers.length) console.log('aedes ready')
  })
})

broker.on('clientError', (client, error) => {
  console.error(`aedes: client ${client ? client.id : '?'}: ${error.message}`)
})
broker.on('connectionError', (client, error) => {
  console.error(`aedes: connection ${client ? client.id : '?'}: ${error.message}`)
})

function shutdown () {
  servers.forEach((server) => server.close())
  broker.close(() => process.exit(0))
}
process.on('SIGTERM', shutdown)
process.on('SIGINT', shutdown)
