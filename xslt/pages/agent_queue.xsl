<?xml version="1.0" encoding="UTF-8"?>
<!-- SPDX-License-Identifier: AGPL-3.0-or-later -->
<!--
  agent_queue.xsl - a service's queue: the filters and the search (a plain
  GET form: the list has its own address, bookmarkable), the counts per
  state, the list sorted by any column (the headers are links), pages of
  50 by keyset ("page suivante"), who holds each demand and its next
  deadline, "Prendre" / "Libérer", the bulk action on the ticked demands or
  on every one matching, the exports.  No script.
  Input (engine/h_queue.c): /page/group, /page/filter/option,
  /page/procedures, /page/query (+ sort, error), /page/colleagues,
  /page/actions/transition, /page/queue/demand.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:g="urn:guichet:xslt"
    extension-element-prefixes="g"
    exclude-result-prefixes="g">
  <xsl:import href="../layout.xsl"/>

  <xsl:variable name="gid" select="/page/group/@id"/>
  <xsl:variable name="qs" select="/page/query/@qs"/>

  <xsl:template match="page" mode="title">
    <xsl:value-of select="g:msg('agent.queue')"/>
    <xsl:text> – </xsl:text>
    <xsl:value-of select="group/@name"/>
  </xsl:template>

  <!-- the message of a refused filter, next to its field -->
  <xsl:template name="filter-error">
    <xsl:param name="field"/>
    <xsl:for-each select="/page/query/error[@field = $field]">
      <p class="error-msg" id="f-{$field}-error"><xsl:value-of select="g:msg(@key)"/></p>
    </xsl:for-each>
  </xsl:template>

  <xsl:template name="described">
    <xsl:param name="field"/>
    <xsl:if test="/page/query/error[@field = $field]">
      <xsl:attribute name="aria-invalid">true</xsl:attribute>
      <xsl:attribute name="aria-describedby">f-<xsl:value-of select="$field"/>-error</xsl:attribute>
    </xsl:if>
  </xsl:template>

  <xsl:template match="page" mode="content">
    <h1><xsl:value-of select="group/@name"/></h1>
    <p class="lead">
      <xsl:choose>
        <xsl:when test="query/@scope = 'open'"><xsl:value-of select="g:msg('queue.lead_open', filter/@total)"/></xsl:when>
        <xsl:otherwise><xsl:value-of select="g:msg('queue.lead', filter/@total)"/></xsl:otherwise>
      </xsl:choose>
    </p>
    <xsl:if test="procedures/procedure">
      <p class="desk-link no-print"><a class="button" href="/agent/{group/@id}/file"><xsl:value-of select="g:msg('desk.queue_link')"/></a></p>
    </xsl:if>
    <xsl:if test="done">
      <p class="flash flash-ok" role="status"><xsl:value-of select="g:msg(done/@key)"/></p>
    </xsl:if>
    <xsl:if test="query/error">
      <div class="error-summary flash flash-error" role="alert">
        <p><xsl:value-of select="g:msg('queue.filter_refused')"/></p>
        <ul>
          <xsl:for-each select="query/error">
            <li><a href="#f-{@field}"><xsl:value-of select="g:msg(concat('queue.label.', @field))"/>
              <xsl:value-of select="g:msg('punct.colon')"/>
              <xsl:value-of select="g:msg(@key)"/></a></li>
          </xsl:for-each>
        </ul>
      </div>
    </xsl:if>

    <form method="get" action="/agent/{group/@id}" class="filter queue-filter"
          role="search" aria-label="{g:msg('queue.search_form')}">
      <div class="field">
        <label for="f-q"><xsl:value-of select="g:msg('queue.label.q')"/></label>
        <p class="help" id="f-q-help"><xsl:value-of select="g:msg('queue.help.q')"/></p>
        <input type="search" id="f-q" name="q" value="{query/@q}" maxlength="200"
               aria-describedby="f-q-help">
          <xsl:call-template name="described"><xsl:with-param name="field" select="'q'"/></xsl:call-template>
        </input>
        <xsl:call-template name="filter-error"><xsl:with-param name="field" select="'q'"/></xsl:call-template>
      </div>
      <div class="queue-filters">
        <div class="field">
          <label for="f-scope"><xsl:value-of select="g:msg('queue.label.scope')"/></label>
          <select id="f-scope" name="scope">
            <option value=""><xsl:value-of select="g:msg('queue.scope_waiting')"/></option>
            <option value="open">
              <xsl:if test="query/@scope = 'open'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
              <xsl:value-of select="g:msg('queue.scope_open')"/>
            </option>
          </select>
        </div>
        <div class="field">
          <label for="state-filter"><xsl:value-of select="g:msg('agent.filter')"/></label>
          <select id="state-filter" name="state">
            <option value=""><xsl:value-of select="g:msg('agent.filter_all', filter/@total)"/></option>
            <xsl:for-each select="filter/option">
              <option value="{@value}">
                <xsl:if test="@selected"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
                <xsl:value-of select="@title"/>
                <xsl:text> – </xsl:text>
                <xsl:value-of select="@state-label"/>
                <xsl:text> (</xsl:text><xsl:value-of select="@count"/><xsl:text>)</xsl:text>
              </option>
            </xsl:for-each>
          </select>
        </div>
        <div class="field">
          <label for="f-proc"><xsl:value-of select="g:msg('queue.label.proc')"/></label>
          <select id="f-proc" name="proc">
            <option value=""><xsl:value-of select="g:msg('queue.proc_all')"/></option>
            <xsl:for-each select="procedures/procedure">
              <option value="{@key}">
                <xsl:if test="@selected"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
                <xsl:value-of select="@title"/>
              </option>
            </xsl:for-each>
          </select>
        </div>
        <div class="field">
          <label for="f-assigned"><xsl:value-of select="g:msg('queue.label.assigned')"/></label>
          <select id="f-assigned" name="assigned">
            <option value=""><xsl:value-of select="g:msg('queue.assigned_all')"/></option>
            <option value="me">
              <xsl:if test="query/@assigned = 'me'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
              <xsl:value-of select="g:msg('queue.assigned_me')"/>
            </option>
            <option value="none">
              <xsl:if test="query/@assigned = 'none'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
              <xsl:value-of select="g:msg('queue.assigned_none')"/>
            </option>
            <xsl:for-each select="colleagues/agent[not(@me)]">
              <option value="{@id}">
                <xsl:if test="/page/query/@assigned = @id"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
                <xsl:value-of select="@name"/>
              </option>
            </xsl:for-each>
          </select>
        </div>
        <div class="field">
          <label for="f-due"><xsl:value-of select="g:msg('queue.label.due')"/></label>
          <select id="f-due" name="due">
            <option value=""><xsl:value-of select="g:msg('queue.due_all')"/></option>
            <xsl:call-template name="due-option"><xsl:with-param name="v" select="'overdue'"/></xsl:call-template>
            <xsl:call-template name="due-option"><xsl:with-param name="v" select="'7'"/></xsl:call-template>
            <xsl:call-template name="due-option"><xsl:with-param name="v" select="'30'"/></xsl:call-template>
          </select>
        </div>
        <div class="field">
          <label for="f-from"><xsl:value-of select="g:msg('queue.label.from')"/></label>
          <input type="date" id="f-from" name="from" value="{query/@from}">
            <xsl:call-template name="described"><xsl:with-param name="field" select="'from'"/></xsl:call-template>
          </input>
          <xsl:call-template name="filter-error"><xsl:with-param name="field" select="'from'"/></xsl:call-template>
        </div>
        <div class="field">
          <label for="f-to"><xsl:value-of select="g:msg('queue.label.to')"/></label>
          <input type="date" id="f-to" name="to" value="{query/@to}">
            <xsl:call-template name="described"><xsl:with-param name="field" select="'to'"/></xsl:call-template>
          </input>
          <xsl:call-template name="filter-error"><xsl:with-param name="field" select="'to'"/></xsl:call-template>
        </div>
        <div class="field">
          <label for="f-sort"><xsl:value-of select="g:msg('queue.label.sort')"/></label>
          <select id="f-sort" name="sort">
            <xsl:for-each select="query/sort">
              <option value="{@col}">
                <xsl:if test="@current"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
                <xsl:value-of select="g:msg(concat('queue.col.', @col))"/>
              </option>
            </xsl:for-each>
          </select>
        </div>
        <div class="field">
          <label for="f-dir"><xsl:value-of select="g:msg('queue.label.dir')"/></label>
          <select id="f-dir" name="dir">
            <option value="asc"><xsl:value-of select="g:msg('queue.dir_asc')"/></option>
            <option value="desc">
              <xsl:if test="query/@dir = 'desc'"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
              <xsl:value-of select="g:msg('queue.dir_desc')"/>
            </option>
          </select>
        </div>
      </div>
      <p class="buttons">
        <button type="submit" class="secondary"><xsl:value-of select="g:msg('agent.filter_button')"/></button>
        <xsl:text> </xsl:text>
        <a href="/agent/{group/@id}"><xsl:value-of select="g:msg('queue.reset')"/></a>
      </p>
    </form>

    <p class="exports no-print">
      <xsl:value-of select="g:msg('queue.export')"/>
      <xsl:value-of select="g:msg('punct.colon')"/>
      <a href="/agent/{$gid}/export.csv?{$qs}"><xsl:value-of select="g:msg('queue.export.csv')"/></a>
      <xsl:text> · </xsl:text>
      <a href="/agent/{$gid}/export.xlsx?{$qs}"><xsl:value-of select="g:msg('queue.export.xlsx')"/></a>
      <xsl:text> · </xsl:text>
      <a href="/agent/{$gid}/print?{$qs}"><xsl:value-of select="g:msg('queue.export.print')"/></a>
    </p>

    <section aria-labelledby="queue-title">
      <h2 id="queue-title">
        <xsl:choose>
          <xsl:when test="queue/@more = 'yes'"><xsl:value-of select="g:msg('queue.matching_more', queue/@total)"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="g:msg('queue.matching', queue/@total)"/></xsl:otherwise>
        </xsl:choose>
      </h2>
      <xsl:choose>
        <xsl:when test="queue/demand">
          <form method="post" action="/agent/{$gid}/bulk" id="bulk">
            <xsl:call-template name="csrf"/>
            <input type="hidden" name="back" value="{$qs}"/>
            <xsl:call-template name="query-fields"/>
            <div class="table-scroll" role="region" tabindex="0" aria-labelledby="queue-title">
              <xsl:apply-templates select="queue" mode="table"/>
            </div>
            <nav class="pager" aria-label="{g:msg('queue.pages')}">
              <xsl:if test="queue/@first">
                <a href="{queue/@first}"><xsl:value-of select="g:msg('queue.first')"/></a>
                <xsl:text> </xsl:text>
              </xsl:if>
              <xsl:if test="queue/@next">
                <a href="{queue/@next}" rel="next"><xsl:value-of select="g:msg('queue.next')"/></a>
              </xsl:if>
            </nav>
            <fieldset class="bulk">
              <legend><xsl:value-of select="g:msg('queue.bulk')"/></legend>
              <p class="help"><xsl:value-of select="g:msg('queue.bulk_help')"/></p>
              <label for="b-action"><xsl:value-of select="g:msg('queue.label.action')"/></label>
              <select id="b-action" name="action">
                <optgroup label="{g:msg('queue.bulk_steps')}">
                  <xsl:for-each select="actions/transition">
                    <option value="{@value}">
                      <xsl:value-of select="@procedure"/><xsl:text> – </xsl:text><xsl:value-of select="@label"/>
                    </option>
                  </xsl:for-each>
                </optgroup>
                <optgroup label="{g:msg('queue.bulk_assign')}">
                  <option value="assign:me"><xsl:value-of select="g:msg('queue.assign_me')"/></option>
                  <xsl:for-each select="colleagues/agent[not(@me)]">
                    <option value="assign:{@id}"><xsl:value-of select="g:msg('queue.assign_to', @name)"/></option>
                  </xsl:for-each>
                  <option value="release"><xsl:value-of select="g:msg('queue.release_all')"/></option>
                </optgroup>
              </select>
              <div class="choice">
                <input type="checkbox" id="b-all" name="all" value="1"/>
                <label class="inline" for="b-all"><xsl:choose>
                    <xsl:when test="queue/@more = 'yes'"><xsl:value-of select="g:msg('queue.all_matching_more', queue/@total)"/></xsl:when>
                    <xsl:otherwise><xsl:value-of select="g:msg('queue.all_matching', queue/@total)"/></xsl:otherwise>
                  </xsl:choose></label>
              </div>
              <label for="b-comment"><xsl:value-of select="g:msg('queue.label.comment')"/></label>
              <p class="help" id="b-comment-help"><xsl:value-of select="g:msg('queue.help.comment')"/></p>
              <textarea id="b-comment" name="comment" rows="3" maxlength="4000"
                        aria-describedby="b-comment-help"></textarea>
              <p class="buttons"><button type="submit" name="go" value="1"><xsl:value-of select="g:msg('queue.apply')"/></button></p>
            </fieldset>
          </form>
        </xsl:when>
        <xsl:otherwise><p><xsl:value-of select="g:msg('agent.queue_empty')"/></p></xsl:otherwise>
      </xsl:choose>
    </section>
  </xsl:template>

  <xsl:template name="due-option">
    <xsl:param name="v"/>
    <option value="{$v}">
      <xsl:if test="/page/query/@due = $v"><xsl:attribute name="selected">selected</xsl:attribute></xsl:if>
      <xsl:value-of select="g:msg(concat('queue.due_', $v))"/>
    </option>
  </xsl:template>

  <!-- the filters again, for "every demand matching" -->
  <xsl:template name="query-fields">
    <xsl:for-each select="/page/filter/option[@selected]">
      <input type="hidden" name="state" value="{@value}"/>
    </xsl:for-each>
    <xsl:for-each select="/page/procedures/procedure[@selected]">
      <input type="hidden" name="proc" value="{@key}"/>
    </xsl:for-each>
    <xsl:for-each select="/page/query/@assigned[. != ''] | /page/query/@due[. != '']
                          | /page/query/@q[. != '']">
      <input type="hidden" name="{name()}" value="{.}"/>
    </xsl:for-each>
    <xsl:for-each select="/page/query/@from[. != ''][not(/page/query/error[@field = 'from'])]
                          | /page/query/@to[. != ''][not(/page/query/error[@field = 'to'])]">
      <input type="hidden" name="{name()}" value="{.}"/>
    </xsl:for-each>
    <xsl:if test="/page/query/@scope">
      <input type="hidden" name="scope" value="{/page/query/@scope}"/>
    </xsl:if>
    <input type="hidden" name="sort" value="{/page/query/@sort}"/>
    <input type="hidden" name="dir" value="{/page/query/@dir}"/>
  </xsl:template>

  <xsl:template name="th">
    <xsl:param name="col"/>
    <xsl:param name="print"/>
    <xsl:variable name="s" select="/page/query/sort[@col = $col]"/>
    <xsl:choose>
      <xsl:when test="$print">
        <th scope="col"><xsl:value-of select="g:msg(concat('queue.col.', $col))"/></th>
      </xsl:when>
      <xsl:otherwise>
    <th scope="col">
      <xsl:if test="$s/@current">
        <xsl:attribute name="aria-sort"><xsl:value-of select="$s/@current"/></xsl:attribute>
      </xsl:if>
      <a href="{$s/@href}"><xsl:value-of select="g:msg(concat('queue.col.', $col))"/>
        <xsl:if test="$s/@current = 'ascending'"><span aria-hidden="true"> ▲</span></xsl:if>
        <xsl:if test="$s/@current = 'descending'"><span aria-hidden="true"> ▼</span></xsl:if>
      </a>
    </th>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="queue" mode="table">
    <xsl:param name="print" select="false()"/>
    <table class="queue">
      <thead>
        <tr>
          <xsl:if test="not($print)">
            <th scope="col"><span class="sr-only"><xsl:value-of select="g:msg('queue.col.select')"/></span></th>
          </xsl:if>
          <xsl:call-template name="th"><xsl:with-param name="col" select="'reference'"/><xsl:with-param name="print" select="$print"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="col" select="'procedure'"/><xsl:with-param name="print" select="$print"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="col" select="'state'"/><xsl:with-param name="print" select="$print"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="col" select="'applicant'"/><xsl:with-param name="print" select="$print"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="col" select="'submitted'"/><xsl:with-param name="print" select="$print"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="col" select="'since'"/><xsl:with-param name="print" select="$print"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="col" select="'deadline'"/><xsl:with-param name="print" select="$print"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="col" select="'assignee'"/><xsl:with-param name="print" select="$print"/></xsl:call-template>
          <xsl:call-template name="th"><xsl:with-param name="col" select="'amount'"/><xsl:with-param name="print" select="$print"/></xsl:call-template>
        </tr>
      </thead>
      <tbody>
        <xsl:for-each select="demand">
          <tr>
            <xsl:if test="not($print)">
              <td>
                <input type="checkbox" name="sel" value="{@id}:{@dversion}" id="sel-{@id}"/>
                <label class="sr-only" for="sel-{@id}"><xsl:value-of select="g:msg('queue.select', @reference)"/></label>
              </td>
            </xsl:if>
            <td data-col="reference">
              <xsl:choose>
                <xsl:when test="$print"><xsl:value-of select="@reference"/></xsl:when>
                <xsl:otherwise><a href="/demands/{@id}"><xsl:value-of select="@reference"/></a></xsl:otherwise>
              </xsl:choose>
            </td>
            <td data-col="procedure"><xsl:value-of select="@title"/></td>
            <td data-col="state"><xsl:value-of select="@state-label"/></td>
            <td data-col="applicant"><xsl:value-of select="@applicant"/></td>
            <td data-col="submitted"><xsl:value-of select="@submitted"/></td>
            <td data-col="since"><xsl:value-of select="@since"/></td>
            <td data-col="deadline">
              <xsl:if test="@due != ''">
                <xsl:if test="@overdue"><strong class="overdue"><xsl:value-of select="g:msg('queue.overdue')"/></strong><xsl:text> </xsl:text></xsl:if>
                <span class="due"><xsl:value-of select="@due"/></span>
                <xsl:text> – </xsl:text>
                <span class="due-what"><xsl:value-of select="@due-what"/></span>
              </xsl:if>
            </td>
            <td data-col="assignee">
              <span class="assignee"><xsl:value-of select="@assignee"/></span>
              <xsl:if test="not($print)">
                <xsl:choose>
                  <xsl:when test="@mine">
                    <xsl:text> </xsl:text>
                    <button type="submit" class="secondary small" name="release" value="{@id}:{@dversion}"
                            formaction="/agent/{$gid}/assign"
                            aria-label="{g:msg('queue.release_one', @reference)}"><xsl:value-of select="g:msg('queue.release')"/></button>
                  </xsl:when>
                  <xsl:when test="@assignee = ''">
                    <button type="submit" class="secondary small" name="take" value="{@id}:{@dversion}"
                            formaction="/agent/{$gid}/assign"
                            aria-label="{g:msg('queue.take_one', @reference)}"><xsl:value-of select="g:msg('queue.take')"/></button>
                  </xsl:when>
                </xsl:choose>
              </xsl:if>
            </td>
            <td data-col="amount" class="num"><xsl:value-of select="@amount"/></td>
          </tr>
        </xsl:for-each>
      </tbody>
    </table>
  </xsl:template>

</xsl:stylesheet>
